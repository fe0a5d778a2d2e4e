<?php
/**
 * Installs the test site with WordPress's own wp_install(), adds an editor, and activates
 * the plugin. Run by the PHP CLI in the site's directory: install.php URL ADMIN PASSWORD
 * EDITOR PASSWORD.
 */
[ , $url, $admin, $admin_password, $editor_login, $editor_password ] = $argv;
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = (string) parse_url( $url, PHP_URL_HOST ) . ':' . (string) parse_url( $url, PHP_URL_PORT );
$_SERVER['REQUEST_URI'] = '/';
require getcwd() . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$result = wp_install( 'Narration test site', $admin, 'admin@example.com', true, '', $admin_password );
update_option( 'siteurl', $url );
update_option( 'home', $url );
update_option( 'permalink_structure', '' );
$editor = wp_insert_user(
	array(
		'user_login'   => $editor_login,
		'user_pass'    => $editor_password,
		'user_email'   => 'editor@example.com',
		'role'         => 'editor',
		'display_name' => 'Ada Editor',
	)
);
foreach ( array( $result['user_id'], $editor ) as $user ) {
	update_user_meta(
		$user,
		'wp_persisted_preferences',
		array(
			'core/edit-post' => array(
				'welcomeGuide'   => false,
				'fullscreenMode' => false,
			),
			'_modified'      => gmdate( 'c' ),
		)
	);
}
$activated = activate_plugin( 'narration/narration.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, $activated->get_error_message() );
	exit( 1 );
}
echo "installed\n";
