<?php
/**
 * Plugin Name:       Narration
 * Plugin URI:        https://github.com/narration/narration
 * Description:       Narrates every post on publish with a Narration service and puts its player on the post.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            Narration
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       narration
 *
 * @package Narration
 */

defined( 'ABSPATH' ) || exit;

define( 'NARRATION_VERSION', '1.0.0' );
define( 'NARRATION_FILE', __FILE__ );
define( 'NARRATION_DIR', __DIR__ );

require_once __DIR__ . '/includes/class-settings.php';
require_once __DIR__ . '/includes/class-client.php';
require_once __DIR__ . '/includes/class-state.php';
require_once __DIR__ . '/includes/class-payload.php';
require_once __DIR__ . '/includes/class-schedule.php';
require_once __DIR__ . '/includes/class-signature.php';
require_once __DIR__ . '/includes/class-sync.php';
require_once __DIR__ . '/includes/class-callback.php';
require_once __DIR__ . '/includes/class-editor.php';
require_once __DIR__ . '/includes/class-player.php';

Narration\Settings::register();
Narration\Sync::register();
Narration\Callback::register();
Narration\Editor::register();
Narration\Player::register();

register_activation_hook( __FILE__, array( 'Narration\Settings', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'Narration\Sync', 'deactivate' ) );
