<?php
/**
 * The service's completion callback: a REST route of the plugin.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/narration/v1/callback/{post} (or ?rest_route=...) with the episode's JSON.
 *
 * The route needs no logged-in user: what authenticates a callback is its signature
 * (X-Narration-Signature, the HMAC-SHA256 of the body keyed with our API key) and the
 * token in its address (an HMAC of the post id keyed with the callback secret). A callback
 * changes the post only when it is about the post's current job, is no older than the last
 * one applied, and was not applied before: a forged, misdirected, stale or replayed
 * callback is answered 401 and changes nothing.
 */
final class Callback {

	const NS    = 'narration/v1';
	const ROUTE = '/callback/(?P<post>\d+)';

	/** How many bodies already applied are remembered per post, to refuse them again. */
	const REMEMBERED = 20;

	/** Hooks. */
	public static function register(): void {
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/** The route. */
	public static function routes(): void {
		register_rest_route(
			self::NS,
			self::ROUTE,
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'receive' ),
				// Authenticated by its signature and token in receive(): the service has no WordPress user.
				'permission_callback' => '__return_true',
				'args'                => array(
					'post'  => array(
						'type'     => 'integer',
						'required' => true,
					),
					'token' => array(
						'type'     => 'string',
						'required' => false,
					),
				),
			)
		);
	}

	/**
	 * The address the service calls back for $post_id.
	 *
	 * @param int $post_id The post.
	 */
	public static function url( int $post_id ): string {
		$token = Signature::post_token( $post_id, (string) Settings::get( 'callback_secret' ) );
		return add_query_arg( 'token', $token, rest_url( self::NS . '/callback/' . $post_id ) );
	}

	/**
	 * Refused: 401, nothing changed.
	 *
	 * @param string $why What was wrong.
	 */
	private static function refused( string $why ): \WP_REST_Response {
		return new \WP_REST_Response(
			array(
				'code'    => 'narration_callback_refused',
				'message' => $why,
			),
			401
		);
	}

	/**
	 * A callback.
	 *
	 * @param \WP_REST_Request $request The request.
	 */
	public static function receive( \WP_REST_Request $request ): \WP_REST_Response {
		$post_id = (int) $request['post'];
		$secret  = (string) Settings::get( 'callback_secret' );
		$token   = (string) $request->get_param( 'token' );
		if ( '' === $secret || ! hash_equals( Signature::post_token( $post_id, $secret ), $token ) ) {
			return self::refused( 'the callback address is not one this site gave' );
		}
		$body = (string) $request->get_body();
		if ( ! Signature::valid( $body, $request->get_header( 'x_narration_signature' ), (string) Settings::get( 'api_key' ) ) ) {
			return self::refused( 'the signature does not match' );
		}
		$episode = json_decode( $body, true );
		if ( ! is_array( $episode ) ) {
			return self::refused( 'the body is not an episode' );
		}
		if ( ! get_post( $post_id ) ) {
			return new \WP_REST_Response( array( 'code' => 'narration_no_post' ), 410 );
		}
		return self::apply( $post_id, $episode, $body );
	}

	/**
	 * Apply a verified callback to the post, unless it is stale or was applied before.
	 *
	 * @param int                  $post_id The post.
	 * @param array<string, mixed> $episode The episode's JSON.
	 * @param string               $body    The body as received.
	 */
	public static function apply( int $post_id, array $episode, string $body ): \WP_REST_Response {
		$job = $episode['job_id'] ?? $episode['id'] ?? '';
		if ( ! is_string( $job ) || '' === $job || State::get( $post_id, 'job_id' ) !== $job ) {
			return self::refused( "the callback is not about the post's current narration" );
		}
		$digest = hash( 'sha256', $body );
		$seen   = State::get( $post_id, 'callbacks' );
		$seen   = is_array( $seen ) ? $seen : array();
		if ( in_array( $digest, $seen, true ) ) {
			return self::refused( 'the callback was received before' );
		}
		$when = is_string( $episode['updated_at'] ?? null ) ? strtotime( $episode['updated_at'] ) : false;
		if ( false === $when ) {
			return self::refused( 'the callback has no time' );
		}
		$last = (int) State::get( $post_id, 'callback_at' );
		if ( $when < $last ) {
			return self::refused( 'the callback is older than one already received' );
		}
		if ( ! in_array( $episode['status'] ?? '', array( 'done', 'failed' ), true ) ) {
			return self::refused( 'the callback does not say how the narration ended' );
		}
		$seen[] = $digest;
		State::set(
			$post_id,
			array(
				'callbacks'   => array_slice( $seen, -self::REMEMBERED ),
				'callback_at' => $when,
			)
		);
		State::record( $post_id, $episode );
		wp_clear_scheduled_hook( Sync::CHECK_HOOK, array( $post_id ) );
		return new \WP_REST_Response( array( 'ok' => true ), 200 );
	}
}
