<?php
/**
 * The Narration service's public API, over the WordPress HTTP API.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * What the service answered: a status (0 when it could not be reached) and its JSON.
 */
final class Answer {

	/**
	 * Constructor.
	 *
	 * @param int                  $status  The HTTP status; 0 when nothing was answered.
	 * @param array<string, mixed> $json    The body, decoded (empty when it is not JSON).
	 * @param string               $problem Why nothing was answered (a transport error).
	 */
	public function __construct(
		public readonly int $status,
		public readonly array $json = array(),
		public readonly string $problem = ''
	) {}

	/** A 2xx answer. */
	public function ok(): bool {
		return $this->status >= 200 && $this->status < 300;
	}

	/**
	 * Whether trying again later may succeed: nothing answered, a timeout, too many
	 * requests, a conflict with a job still running, or a server error.
	 */
	public function transient(): bool {
		return 0 === $this->status || in_array( $this->status, array( 408, 409, 425, 429 ), true ) || $this->status >= 500;
	}

	/** The service's reason, as it gave it. */
	public function reason(): string {
		if ( 0 === $this->status ) {
			/* translators: %s: the transport error. */
			return sprintf( __( 'the service could not be reached (%s)', 'narration' ), $this->problem );
		}
		$message = $this->json['error']['message'] ?? $this->json['detail'] ?? '';
		if ( is_array( $message ) ) {
			$message = wp_json_encode( $message );
		}
		$message = is_string( $message ) ? $message : '';
		/* translators: 1: HTTP status, 2: the service's message. */
		return trim( sprintf( __( 'HTTP %1$d %2$s', 'narration' ), $this->status, $message ) );
	}
}

/**
 * Requests to the service with the stored API key (server-side only).
 */
final class Client {

	/**
	 * Constructor.
	 *
	 * @param string $base    The service URL, without a trailing slash.
	 * @param string $api_key The API key.
	 * @param int    $timeout Seconds a request may take.
	 */
	public function __construct(
		private readonly string $base,
		private readonly string $api_key,
		private readonly int $timeout = 20
	) {}

	/** A client from the settings; null until the URL and key are set. */
	public static function from_settings(): ?self {
		$url = (string) Settings::get( 'service_url' );
		$key = (string) Settings::get( 'api_key' );
		if ( '' === $url || '' === $key ) {
			return null;
		}
		return new self( $url, $key );
	}

	/**
	 * One request.
	 *
	 * @param string                    $method GET, POST, PUT or DELETE.
	 * @param string                    $path   The path, from the service's root.
	 * @param array<string, mixed>|null $body   A JSON body.
	 */
	public function request( string $method, string $path, ?array $body = null ): Answer {
		$args = array(
			'method'      => $method,
			'timeout'     => $this->timeout,
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . $this->api_key,
				'Accept'        => 'application/json',
				'User-Agent'    => 'Narration for WordPress/' . NARRATION_VERSION,
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$response = wp_remote_request( $this->base . $path, $args );
		if ( is_wp_error( $response ) ) {
			return new Answer( 0, array(), $response->get_error_message() );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		return new Answer( $status, is_array( $json ) ? $json : array() );
	}
}
