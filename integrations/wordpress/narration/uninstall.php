<?php
/**
 * Uninstalling: the plugin's option, its post meta and its scheduled events go.
 *
 * @package Narration
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/class-state.php';

delete_option( 'narration_settings' );
foreach ( Narration\State::KEYS as $narration_key ) {
	delete_post_meta_by_key( Narration\State::PREFIX . $narration_key );
}
foreach ( array( 'narration_sync', 'narration_check', 'narration_withdraw' ) as $narration_hook ) {
	wp_unschedule_hook( $narration_hook );
}
