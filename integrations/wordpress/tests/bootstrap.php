<?php
/**
 * PHPUnit's bootstrap: WordPress with the plugin active, from the site in
 * NARRATION_WP_ROOT (a site made for testing: the tests write posts into its database).
 *
 * @package Narration
 */

$narration_root = getenv( 'NARRATION_WP_ROOT' );
if ( ! $narration_root || ! file_exists( $narration_root . '/wp-load.php' ) ) {
	fwrite( STDERR, "Set NARRATION_WP_ROOT to a test WordPress site's directory.\n" );
	exit( 1 );
}
$_SERVER['HTTP_HOST']   = getenv( 'NARRATION_WP_HOST' ) ? getenv( 'NARRATION_WP_HOST' ) : 'localhost';
$_SERVER['REQUEST_URI'] = '/';
require $narration_root . '/wp-load.php';
if ( ! class_exists( 'Narration\\Payload' ) ) {
	fwrite( STDERR, "The Narration plugin is not active on that site.\n" );
	exit( 1 );
}
