<?php
/**
 * The player on the post: before or after its content, or where a block or shortcode puts it.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * The service's own player, as its episode page offers it: the <narration-player> web
 * component (player.js from the service) or an <iframe> of the episode's embed page. A
 * post without a narrated episode gets nothing, and its page asks nothing of the service.
 */
final class Player {

	const SHORTCODE = 'narration_player';
	const BLOCK     = 'narration/player';

	/** Hooks. */
	public static function register(): void {
		add_filter( 'the_content', array( __CLASS__, 'content' ), 20 );
		add_shortcode( self::SHORTCODE, array( __CLASS__, 'shortcode' ) );
		add_action( 'init', array( __CLASS__, 'block' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'module_tag' ), 10, 2 );
	}

	/** The "Narration player" block (rendered on the server). */
	public static function block(): void {
		register_block_type(
			NARRATION_DIR . '/blocks/player',
			array( 'render_callback' => array( __CLASS__, 'render_block' ) )
		);
	}

	/**
	 * The block's markup.
	 *
	 * @param array<string, mixed> $attributes The block's attributes.
	 * @param string               $content    Its saved content (none).
	 * @param \WP_Block|null       $block      The block.
	 */
	public static function render_block( $attributes = array(), $content = '', $block = null ): string {
		$post_id = $block instanceof \WP_Block && isset( $block->context['postId'] ) ? (int) $block->context['postId'] : (int) get_the_ID();
		return self::markup( $post_id );
	}

	/**
	 * [narration_player], or [narration_player post="123"].
	 *
	 * @param array<string, string>|string $atts The shortcode's attributes.
	 */
	public static function shortcode( $atts ): string {
		$atts = shortcode_atts( array( 'post' => 0 ), is_array( $atts ) ? $atts : array(), self::SHORTCODE );
		$post = (int) $atts['post'] ?: (int) get_the_ID();
		if ( $post !== (int) get_the_ID() && 'publish' !== get_post_status( $post ) ) {
			return '';
		}
		return self::markup( $post );
	}

	/**
	 * The player before or after a single post's content, as set.
	 *
	 * @param string $content The post's content.
	 */
	public static function content( $content ) {
		if ( Payload::$rendering || ! is_singular() || ! in_the_loop() || ! is_main_query() ) {
			return $content;
		}
		$position = (string) Settings::get( 'position' );
		$post     = get_post();
		if ( 'manual' === $position || ! $post instanceof \WP_Post
			|| has_block( self::BLOCK, $post ) || has_shortcode( $post->post_content, self::SHORTCODE ) ) {
			return $content;
		}
		$player = self::markup( $post->ID );
		if ( '' === $player ) {
			return $content;
		}
		return 'before' === $position ? $player . $content : $content . $player;
	}

	/**
	 * The service's public address, from the episode page's URL ({base}/episodes/{id}).
	 *
	 * @param string $page_url The episode page.
	 */
	public static function public_base( string $page_url ): string {
		$at = strrpos( $page_url, '/episodes/' );
		if ( false === $at ) {
			return (string) Settings::get( 'service_url' );
		}
		return substr( $page_url, 0, $at );
	}

	/**
	 * The player for $post_id's episode; empty until it is narrated.
	 *
	 * @param int $post_id The post.
	 */
	public static function markup( int $post_id ): string {
		if ( $post_id <= 0 || 'done' !== State::get( $post_id, 'status' ) || ! Sync::eligible( get_post( $post_id ) ) ) {
			return '';
		}
		$episode = (string) State::get( $post_id, 'episode_id' );
		$page    = (string) State::get( $post_id, 'page_url' );
		if ( '' === $episode || '' === $page ) {
			return '';
		}
		$base  = self::public_base( $page );
		$title = (string) State::get( $post_id, 'title' );
		wp_enqueue_script( 'narration-player', $base . '/player.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- the service versions it.
		if ( 'iframe' === Settings::get( 'embed' ) ) {
			$embed = (string) State::get( $post_id, 'embed_url' );
			$embed = '' !== $embed ? $embed : $page . '/embed';
			$html  = sprintf(
				'<iframe class="narration-player" src="%1$s" title="%2$s" width="100%%" height="250" style="border:0;max-width:720px" loading="lazy" allow="autoplay"></iframe>',
				esc_url( $embed ),
				/* translators: %s: the episode's title. */
				esc_attr( '' !== $title ? sprintf( __( 'Listen: %s', 'narration' ), $title ) : __( 'Listen', 'narration' ) )
			);
		} else {
			$audio = (string) State::get( $post_id, 'audio_url' );
			$html  = sprintf(
				'<narration-player class="narration-player" src="%1$s"><audio controls preload="none" src="%2$s"></audio></narration-player>',
				esc_url( $base . '/v1/episodes/' . rawurlencode( $episode ) ),
				esc_url( $audio )
			);
		}
		return '<div class="wp-block-narration-player">' . $html . '</div>';
	}

	/**
	 * player.js is an ES module.
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle Its handle.
	 */
	public static function module_tag( $tag, $handle ) {
		if ( 'narration-player' !== $handle ) {
			return $tag;
		}
		return str_replace( '<script ', '<script type="module" ', str_replace( " type='text/javascript'", '', (string) $tag ) );
	}
}
