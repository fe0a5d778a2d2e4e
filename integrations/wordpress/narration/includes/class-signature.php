<?php
/**
 * The signature of the service's callbacks.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * X-Narration-Signature: sha256=<hex HMAC-SHA256 of the body bytes, keyed with the API
 * key that submitted the article>.
 */
final class Signature {

	const HEADER = 'X-Narration-Signature';

	/**
	 * The header's value for $body.
	 *
	 * @param string $body The body's bytes.
	 * @param string $key  The API key.
	 */
	public static function sign( string $body, string $key ): string {
		return 'sha256=' . hash_hmac( 'sha256', $body, $key );
	}

	/**
	 * Whether $header signs $body with $key (compared in constant time).
	 *
	 * @param string      $body   The body's bytes, as received.
	 * @param string|null $header The header's value.
	 * @param string      $key    The API key.
	 */
	public static function valid( string $body, ?string $header, string $key ): bool {
		if ( '' === $key || null === $header ) {
			return false;
		}
		$header = trim( $header );
		if ( ! preg_match( '/^sha256=[0-9a-f]{64}$/', $header ) ) {
			return false;
		}
		return hash_equals( self::sign( $body, $key ), $header );
	}

	/**
	 * The token in a post's callback address: ties the address to the post, so a
	 * callback signed for one post cannot be aimed at another.
	 *
	 * @param int    $post_id The post.
	 * @param string $secret  The callback secret.
	 */
	public static function post_token( int $post_id, string $secret ): string {
		return hash_hmac( 'sha256', 'narration-post:' . $post_id, $secret );
	}
}
