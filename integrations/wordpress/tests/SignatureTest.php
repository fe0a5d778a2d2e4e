<?php
/**
 * The callback's signature and the post token.
 *
 * @package Narration
 */

use Narration\Signature;
use PHPUnit\Framework\TestCase;

final class SignatureTest extends TestCase {

	const BODY = '{"id":"abc","job_id":"abc","status":"done","updated_at":"2026-01-01T00:00:00Z"}';

	public function test_matches_the_service(): void {
		// narration/service/callbacks.py: "sha256=" + hmac.new(key, body, sha256).hexdigest().
		$this->assertSame(
			'sha256=' . hash_hmac( 'sha256', self::BODY, 'the-key' ),
			Signature::sign( self::BODY, 'the-key' )
		);
		$this->assertSame(
			'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
			Signature::sign( 'The quick brown fox jumps over the lazy dog', 'key' )
		);
	}

	public function test_a_right_signature_passes(): void {
		$this->assertTrue( Signature::valid( self::BODY, Signature::sign( self::BODY, 'the-key' ), 'the-key' ) );
		$this->assertTrue( Signature::valid( self::BODY, ' ' . Signature::sign( self::BODY, 'the-key' ) . "\n", 'the-key' ) );
	}

	public function test_anything_else_fails(): void {
		$good = Signature::sign( self::BODY, 'the-key' );
		$this->assertFalse( Signature::valid( self::BODY . ' ', $good, 'the-key' ), 'another body' );
		$this->assertFalse( Signature::valid( self::BODY, $good, 'another-key' ), 'another key' );
		$this->assertFalse( Signature::valid( self::BODY, null, 'the-key' ), 'no header' );
		$this->assertFalse( Signature::valid( self::BODY, '', 'the-key' ), 'an empty header' );
		$this->assertFalse( Signature::valid( self::BODY, substr( $good, 7 ), 'the-key' ), 'no sha256= prefix' );
		$this->assertFalse( Signature::valid( self::BODY, strtoupper( $good ), 'the-key' ), 'upper case' );
		$this->assertFalse( Signature::valid( self::BODY, 'sha1=' . hash_hmac( 'sha1', self::BODY, 'the-key' ), 'the-key' ) );
		$this->assertFalse( Signature::valid( self::BODY, Signature::sign( self::BODY, '' ), '' ), 'no key set' );
	}

	public function test_post_tokens_differ_by_post_and_secret(): void {
		$this->assertSame( Signature::post_token( 7, 's' ), Signature::post_token( 7, 's' ) );
		$this->assertNotSame( Signature::post_token( 7, 's' ), Signature::post_token( 8, 's' ) );
		$this->assertNotSame( Signature::post_token( 7, 's' ), Signature::post_token( 7, 't' ) );
	}
}
