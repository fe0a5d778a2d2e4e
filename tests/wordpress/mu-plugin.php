<?php
/**
 * The test site's must-use plugin: no update checks (the site has no way out to
 * wordpress.org, and WordPress warns each time it cannot reach it), and every request to
 * the Narration plugin's callback route recorded as it arrived, for the tests to send again.
 */
remove_action( 'init', 'wp_schedule_update_checks' );
foreach ( array( 'wp_version_check', 'wp_update_plugins', 'wp_update_themes', 'wp_maybe_auto_update' ) as $narration_test_hook ) {
	remove_all_actions( $narration_test_hook );
}
foreach ( array( '_maybe_update_core', '_maybe_update_plugins', '_maybe_update_themes' ) as $narration_test_callback ) {
	remove_action( 'admin_init', $narration_test_callback );
}
add_filter(
	'pre_http_request',
	static function ( $pre, $args, $url ) {
		$host = (string) wp_parse_url( $url, PHP_URL_HOST );
		if ( ! str_ends_with( $host, 'wordpress.org' ) ) {
			return $pre;
		}
		return array(
			'headers'  => array(),
			'body'     => '',
			'response' => array(
				'code'    => 503,
				'message' => 'offline test site',
			),
			'cookies'  => array(),
		);
	},
	10,
	3
);
add_filter(
	'rest_pre_dispatch',
	static function ( $result, $server, $request ) {
		if ( defined( 'NARRATION_TEST_CALLBACKS_LOG' ) && str_starts_with( $request->get_route(), '/narration/v1/callback/' ) ) {
			$line = wp_json_encode(
				array(
					'route'     => $request->get_route(),
					'query'     => $request->get_query_params(),
					'signature' => $request->get_header( 'x_narration_signature' ),
					'body'      => base64_encode( $request->get_body() ),
				)
			);
			file_put_contents( NARRATION_TEST_CALLBACKS_LOG, $line . "\n", FILE_APPEND | LOCK_EX );
		}
		return $result;
	},
	10,
	3
);
