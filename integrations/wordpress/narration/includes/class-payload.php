<?php
/**
 * What is sent for a post: its rendered content as an HTML page, and its metadata.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * The body of POST /v1/articles (and PUT /v1/episodes/{id}) for a post.
 */
final class Payload {

	/** True while a post's content is rendered for the service (no player in it). */
	public static bool $rendering = false;

	/**
	 * The body for $post.
	 *
	 * The API takes one source, so the permalink goes into the page as its canonical
	 * link (the episode's link in the feed), beside the title and author.
	 *
	 * @param \WP_Post $post The post.
	 * @return array<string, string>
	 */
	public static function for_post( \WP_Post $post ): array {
		$title     = wp_strip_all_tags( get_the_title( $post ) );
		$author    = wp_strip_all_tags( (string) get_the_author_meta( 'display_name', (int) $post->post_author ) );
		$permalink = (string) get_permalink( $post );
		$body      = array(
			'html'      => self::page( $title, $author, $permalink, self::content( $post ), (int) State::get( $post->ID, 'generation' ) ),
			'title'     => $title,
			'author'    => $author,
			'published' => self::published( $post ),
		);
		$show  = (string) Settings::get( 'show' );
		$voice = (string) Settings::get( 'voice' );
		if ( '' !== $show ) {
			$body['show'] = $show;
		}
		if ( '' !== $voice ) {
			$body['voice'] = $voice;
		}
		return array_filter( $body, static fn( $value ) => '' !== $value );
	}

	/**
	 * The post's content as its readers get it, without the plugin's player.
	 *
	 * @param \WP_Post $post The post.
	 */
	public static function content( \WP_Post $post ): string {
		$previous        = $GLOBALS['post'] ?? null;
		self::$rendering = true;
		try {
			$GLOBALS['post'] = $post; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
			setup_postdata( $post );
			$html = (string) apply_filters( 'the_content', $post->post_content );
		} finally {
			self::$rendering = false;
			$GLOBALS['post'] = $previous; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
			if ( $previous instanceof \WP_Post ) {
				setup_postdata( $previous );
			}
		}
		return $html;
	}

	/**
	 * A whole HTML page around $content, so that the service reads the title, author and
	 * link from it as it does from any page.
	 *
	 * @param string $title      The title (plain text).
	 * @param string $author     The author (plain text).
	 * @param string $permalink  The post's address.
	 * @param string $content    The rendered content (HTML).
	 * @param int    $generation How many times the post was narrated anew after its episode was withdrawn.
	 */
	public static function page( string $title, string $author, string $permalink, string $content, int $generation = 0 ): string {
		$head = '<meta charset="utf-8"><title>' . esc_html( $title ) . '</title>';
		if ( '' !== $permalink ) {
			$head .= '<link rel="canonical" href="' . esc_url( $permalink ) . '">';
		}
		if ( '' !== $author ) {
			$head .= '<meta name="author" content="' . esc_attr( $author ) . '">';
		}
		if ( $generation > 0 ) {
			// A withdrawn episode's article sent again is a new one for the service.
			$head .= '<meta name="narration-generation" content="' . esc_attr( (string) $generation ) . '">';
		}
		return '<!doctype html><html><head>' . $head . '</head><body><article><h1>' . esc_html( $title ) . '</h1>'
			. $content . '</article></body></html>';
	}

	/**
	 * The publication time, ISO 8601 in UTC; never in the future (the service refuses that).
	 *
	 * @param \WP_Post $post The post.
	 */
	public static function published( \WP_Post $post ): string {
		$gmt = (string) $post->post_date_gmt;
		if ( '' === $gmt || '0000-00-00 00:00:00' === $gmt ) {
			return '';
		}
		$time = strtotime( $gmt . ' UTC' );
		if ( false === $time ) {
			return '';
		}
		return gmdate( 'Y-m-d\TH:i:s\Z', min( $time, time() ) );
	}

	/**
	 * What identifies a version of the post's narration: the body without its callback
	 * address. A post whose hash did not change is not sent again.
	 *
	 * @param array<string, string> $body The body.
	 */
	public static function hash( array $body ): string {
		unset( $body['callback_url'] );
		ksort( $body );
		return hash( 'sha256', (string) wp_json_encode( $body ) );
	}
}
