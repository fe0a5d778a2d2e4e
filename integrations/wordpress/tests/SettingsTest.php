<?php
/**
 * Sanitising the settings form.
 *
 * @package Narration
 */

use Narration\Settings;
use PHPUnit\Framework\TestCase;

final class SettingsTest extends TestCase {

	private function stored(): array {
		return array_merge(
			Settings::defaults(),
			array(
				'service_url'     => 'https://audio.example.com',
				'api_key'         => 'stored-key-1234',
				'callback_secret' => 'stored-secret',
			)
		);
	}

	public function test_good_values_are_kept(): void {
		$out = Settings::sanitize(
			array(
				'service_url' => ' https://audio.example.com/ ',
				'api_key'     => 'new-key',
				'show'        => 'Business',
				'voice'       => 'piper:en_US-joe-medium',
				'post_types'  => array( 'post', 'page' ),
				'on_publish'  => '1',
				'position'    => 'before',
				'embed'       => 'iframe',
			),
			$this->stored()
		);
		$this->assertSame( 'https://audio.example.com', $out['service_url'] );
		$this->assertSame( 'new-key', $out['api_key'] );
		$this->assertSame( 'stored-secret', $out['callback_secret'] );
		$this->assertSame( 'business', $out['show'] );
		$this->assertSame( 'piper:en_US-joe-medium', $out['voice'] );
		$this->assertSame( array( 'post', 'page' ), $out['post_types'] );
		$this->assertTrue( $out['on_publish'] );
		$this->assertSame( 'before', $out['position'] );
		$this->assertSame( 'iframe', $out['embed'] );
	}

	public function test_an_empty_key_field_keeps_the_stored_key(): void {
		$out = Settings::sanitize( array( 'api_key' => '', 'callback_secret' => '' ), $this->stored() );
		$this->assertSame( 'stored-key-1234', $out['api_key'] );
		$this->assertSame( 'stored-secret', $out['callback_secret'] );
		$this->assertSame( 'stored-key-1234', Settings::sanitize( array(), $this->stored() )['api_key'] );
		$this->assertSame( '', Settings::sanitize( array( 'forget_api_key' => '1' ), $this->stored() )['api_key'] );
	}

	public function test_the_form_never_shows_the_key(): void {
		$this->assertSame( '••••••••1234', Settings::masked( 'stored-key-1234' ) );
		$this->assertSame( '', Settings::masked( '' ) );
	}

	public function test_bad_values_are_refused(): void {
		$out = Settings::sanitize(
			array(
				'service_url' => 'javascript:alert(1)',
				'api_key'     => "key with spaces\tand\ncontrol",
				'show'        => '../etc',
				'voice'       => '<script>',
				'post_types'  => array( 'post', 'attachment', 'no_such_type', '<b>' ),
				'position'    => 'sideways',
				'embed'       => 'flash',
			),
			$this->stored()
		);
		$this->assertSame( '', $out['service_url'] );
		$this->assertSame( 'keywithspacesandcontrol', $out['api_key'] );
		$this->assertSame( '', $out['show'] );
		$this->assertSame( '', $out['voice'] );
		$this->assertSame( array( 'post' ), $out['post_types'] );
		$this->assertFalse( $out['on_publish'] );
		$this->assertSame( 'after', $out['position'] );
		$this->assertSame( 'component', $out['embed'] );
	}

	public function test_a_service_beside_wordpress_is_allowed(): void {
		$out = Settings::sanitize( array( 'service_url' => 'http://127.0.0.1:8000' ), $this->stored() );
		$this->assertSame( 'http://127.0.0.1:8000', $out['service_url'] );
	}

	public function test_a_missing_secret_is_made(): void {
		$stored                    = $this->stored();
		$stored['callback_secret'] = '';
		$this->assertSame( 40, strlen( Settings::sanitize( array(), $stored )['callback_secret'] ) );
	}

	public function test_not_an_array(): void {
		$out = Settings::sanitize( 'nonsense', $this->stored() );
		$this->assertSame( 'stored-key-1234', $out['api_key'] );
		$this->assertSame( array(), $out['post_types'] );
	}
}
