<?php
/**
 * The block's editor script's dependencies.
 *
 * @package Narration
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-i18n' ),
	'version'      => '1.0.0',
);
