<?php
/**
 * What is sent for a post.
 *
 * @package Narration
 */

use Narration\Payload;
use Narration\Settings;
use PHPUnit\Framework\TestCase;

final class PayloadTest extends TestCase {

	private static array $saved;

	public static function setUpBeforeClass(): void {
		self::$saved = Settings::all();
	}

	public static function tearDownAfterClass(): void {
		update_option( Settings::OPTION, self::$saved );
	}

	private function post( array $fields = array() ): WP_Post {
		$author = wp_insert_user(
			array(
				'user_login'   => 'writer' . wp_generate_password( 6, false ),
				'user_pass'    => wp_generate_password(),
				'display_name' => 'Priya <b>Raman</b>',
			)
		);
		// A page: not a narrated type, so the test site does not send it.
		$id = wp_insert_post(
			array_merge(
				array(
					'post_type'     => 'page',
					'post_title'    => 'Tunnel & bridge: "both" open',
					'post_content'  => "<!-- wp:paragraph -->\n<p>The tunnel opened on <em>Monday</em>.</p>\n<!-- /wp:paragraph -->",
					'post_status'   => 'publish',
					'post_author'   => $author,
					'post_date_gmt' => '2026-03-14 07:30:00',
				),
				$fields
			)
		);
		return get_post( $id );
	}

	public function test_the_body_holds_the_rendered_page_and_metadata(): void {
		update_option( Settings::OPTION, array_merge( Settings::all(), array( 'show' => '', 'voice' => 'piper:en_US-joe-medium' ) ) );
		$post = $this->post();
		$body = Payload::for_post( $post );
		$this->assertSame( array( 'author', 'html', 'published', 'title', 'voice' ), $this->sorted_keys( $body ) );
		$this->assertSame( 'Tunnel & bridge: “both” open', html_entity_decode( $body['title'], ENT_QUOTES, 'UTF-8' ) );
		$this->assertSame( 'Priya Raman', $body['author'] );
		$this->assertSame( '2026-03-14T07:30:00Z', $body['published'] );
		$this->assertSame( 'piper:en_US-joe-medium', $body['voice'] );
		// The content as rendered (blocks' comments gone), inside a page with its canonical link.
		$this->assertStringContainsString( '<p>The tunnel opened on <em>Monday</em>.</p>', $body['html'] );
		$this->assertStringNotContainsString( '<!-- wp:paragraph', $body['html'] );
		$this->assertStringContainsString( '<link rel="canonical" href="' . esc_url( get_permalink( $post ) ) . '">', $body['html'] );
		$this->assertStringContainsString( '<meta name="author" content="Priya Raman">', $body['html'] );
		$this->assertStringStartsWith( '<!doctype html>', $body['html'] );
		// The API takes one source: the permalink travels in the page, not as `url`.
		$this->assertArrayNotHasKey( 'url', $body );
	}

	public function test_show_is_sent_when_set(): void {
		update_option( Settings::OPTION, array_merge( Settings::all(), array( 'show' => 'business', 'voice' => '' ) ) );
		$body = Payload::for_post( $this->post() );
		$this->assertSame( 'business', $body['show'] );
		$this->assertArrayNotHasKey( 'voice', $body );
	}

	public function test_the_page_escapes_what_it_is_given(): void {
		$page = Payload::page( '<script>x</script>', 'A "quoted" <name>', 'https://news.example/?p=1&x="y"', '<p>Body</p>' );
		$this->assertStringContainsString( '<title>&lt;script&gt;x&lt;/script&gt;</title>', $page );
		$this->assertStringContainsString( 'content="A &quot;quoted&quot; &lt;name&gt;"', $page );
		$this->assertStringNotContainsString( 'x="y"', $page );
		$this->assertStringContainsString( '<p>Body</p>', $page );
	}

	public function test_a_publication_time_is_never_in_the_future(): void {
		$post                = $this->post();
		$post->post_date_gmt = gmdate( 'Y-m-d H:i:s', time() + 3600 );
		$this->assertLessThanOrEqual( time(), strtotime( Payload::published( $post ) ) );
		$post->post_date_gmt = '0000-00-00 00:00:00';
		$this->assertSame( '', Payload::published( $post ) );
	}

	public function test_a_withdrawn_post_sent_again_is_a_new_article(): void {
		$this->assertStringNotContainsString( 'narration-generation', Payload::page( 'T', 'A', 'https://x.example/', '<p>b</p>' ) );
		$this->assertStringContainsString( '<meta name="narration-generation" content="2">', Payload::page( 'T', 'A', 'https://x.example/', '<p>b</p>', 2 ) );
	}

	public function test_the_hash_ignores_the_callback_address_and_order(): void {
		$body = array(
			'html'  => '<p>x</p>',
			'title' => 'T',
		);
		$this->assertSame( Payload::hash( $body ), Payload::hash( array_reverse( $body ) + array( 'callback_url' => 'https://a.example/' ) ) );
		$this->assertNotSame( Payload::hash( $body ), Payload::hash( array( 'title' => 'T2' ) + $body ) );
	}

	public function test_the_player_is_not_in_the_content_sent(): void {
		$post = $this->post();
		update_post_meta( $post->ID, '_narration_status', 'done' );
		$this->assertStringNotContainsString( 'narration-player', Payload::content( $post ) );
	}

	private function sorted_keys( array $body ): array {
		$keys = array_keys( $body );
		sort( $keys );
		return $keys;
	}
}
