<?php
/**
 * A post's narration, kept in its post meta.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * The narration of one post: its status (queued, narrating, done, failed), the service's
 * ids and, once done, what the player needs.
 */
final class State {

	const PREFIX = '_narration_';

	/** Every meta key of the plugin, for uninstalling. */
	const KEYS = array(
		'status',
		'error',
		'job_id',
		'episode_id',
		'json_url',
		'page_url',
		'embed_url',
		'audio_url',
		'duration',
		'title',
		'sent_hash',
		'attempts',
		'next_try',
		'note',
		'force',
		'generation',
		'callbacks',
		'callback_at',
		'checked_at',
		'changed_at',
		'checks',
	);

	/**
	 * One value.
	 *
	 * @param int    $post_id The post.
	 * @param string $key     A name from KEYS.
	 * @return mixed
	 */
	public static function get( int $post_id, string $key ) {
		return get_post_meta( $post_id, self::PREFIX . $key, true );
	}

	/**
	 * Set values (null deletes one).
	 *
	 * @param int                  $post_id The post.
	 * @param array<string, mixed> $values  Names from KEYS and their values.
	 */
	public static function set( int $post_id, array $values ): void {
		foreach ( $values as $key => $value ) {
			if ( null === $value ) {
				delete_post_meta( $post_id, self::PREFIX . $key );
			} else {
				update_post_meta( $post_id, self::PREFIX . $key, is_string( $value ) ? wp_slash( $value ) : $value );
			}
		}
		if ( array_key_exists( 'status', $values ) ) {
			update_post_meta( $post_id, self::PREFIX . 'changed_at', time() );
		}
	}

	/**
	 * Forget the post's episode (it was withdrawn); the generation stays so that the
	 * post, narrated again, is a new submission.
	 *
	 * @param int $post_id The post.
	 */
	public static function clear( int $post_id ): void {
		foreach ( self::KEYS as $key ) {
			if ( 'generation' !== $key ) {
				delete_post_meta( $post_id, self::PREFIX . $key );
			}
		}
	}

	/**
	 * The id the service knows the episode by: the episode id once narrated, else the job's.
	 *
	 * @param int $post_id The post.
	 */
	public static function ref( int $post_id ): string {
		$episode = (string) self::get( $post_id, 'episode_id' );
		return '' !== $episode ? $episode : (string) self::get( $post_id, 'job_id' );
	}

	/**
	 * What the editor shows.
	 *
	 * @param int $post_id The post.
	 * @return array<string, mixed>
	 */
	public static function view( int $post_id ): array {
		$status = (string) self::get( $post_id, 'status' );
		$next   = (int) self::get( $post_id, 'next_try' );
		return array(
			'status'     => '' === $status ? 'none' : $status,
			'error'      => (string) self::get( $post_id, 'error' ),
			'note'       => (string) self::get( $post_id, 'note' ),
			'next_try'   => $next > 0 ? gmdate( 'c', $next ) : null,
			'job_id'     => (string) self::get( $post_id, 'job_id' ),
			'episode_id' => (string) self::get( $post_id, 'episode_id' ),
			'duration'   => (float) self::get( $post_id, 'duration' ),
			'audio_url'  => (string) self::get( $post_id, 'audio_url' ),
			'page_url'   => (string) self::get( $post_id, 'page_url' ),
			'eligible'   => Sync::eligible( get_post( $post_id ) ),
		);
	}

	/**
	 * Record the episode's JSON, as the service answered it (a callback or a GET).
	 *
	 * @param int                  $post_id The post.
	 * @param array<string, mixed> $episode The episode's JSON.
	 */
	public static function record( int $post_id, array $episode ): void {
		$status = (string) ( $episode['status'] ?? '' );
		$values = array( 'checked_at' => time() );
		if ( 'done' === $status ) {
			$values += array(
				'status'     => 'done',
				'error'      => null,
				'note'       => null,
				'episode_id' => self::text( $episode['episode_id'] ?? '' ),
				'json_url'   => self::url( $episode['links']['self'] ?? '' ),
				'page_url'   => self::url( $episode['page_url'] ?? '' ),
				'embed_url'  => self::url( $episode['embed_url'] ?? '' ),
				'audio_url'  => self::url( $episode['audio_url'] ?? '' ),
				'duration'   => (float) ( $episode['duration_s'] ?? 0 ),
				'title'      => self::text( $episode['title'] ?? '' ),
			);
		} elseif ( 'failed' === $status ) {
			$values += array(
				'status' => 'failed',
				'error'  => self::text( $episode['error'] ?? __( 'the service gave no reason', 'narration' ) ),
				'note'   => null,
			);
		} elseif ( 'running' === $status ) {
			$values['status'] = 'narrating';
		} elseif ( 'queued' === $status ) {
			$values['status'] = 'queued';
		}
		self::set( $post_id, $values );
	}

	/**
	 * A string from the service, as plain text.
	 *
	 * @param mixed $value The value.
	 */
	private static function text( $value ): string {
		return is_scalar( $value ) ? sanitize_text_field( (string) $value ) : '';
	}

	/**
	 * A URL from the service.
	 *
	 * @param mixed $value The value.
	 */
	private static function url( $value ): string {
		return is_string( $value ) ? esc_url_raw( $value, array( 'http', 'https' ) ) : '';
	}
}
