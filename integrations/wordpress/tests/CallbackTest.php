<?php
/**
 * Applying a verified callback: idempotent, and stale or replayed ones change nothing.
 *
 * @package Narration
 */

use Narration\Callback;
use Narration\State;
use PHPUnit\Framework\TestCase;

final class CallbackTest extends TestCase {

	private int $post;

	protected function setUp(): void {
		$this->post = wp_insert_post(
			array(
				'post_type'   => 'page',
				'post_title'  => 'Callback',
				'post_status' => 'draft',
			)
		);
		State::set(
			$this->post,
			array(
				'job_id' => 'job-2',
				'status' => 'queued',
			)
		);
	}

	private function episode( array $fields = array() ): array {
		return array_merge(
			array(
				'id'         => 'job-2',
				'job_id'     => 'job-2',
				'episode_id' => 'ep-1',
				'status'     => 'done',
				'duration_s' => 61.5,
				'audio_url'  => 'https://audio.example.com/episodes/a.mp3',
				'page_url'   => 'https://audio.example.com/episodes/ep-1',
				'updated_at' => '2026-05-01T10:00:00Z',
				'links'      => array( 'self' => 'https://audio.example.com/v1/episodes/job-2' ),
			),
			$fields
		);
	}

	private function apply( array $episode ): int {
		return Callback::apply( $this->post, $episode, (string) wp_json_encode( $episode ) )->get_status();
	}

	public function test_done_is_recorded_once(): void {
		$this->assertSame( 200, $this->apply( $this->episode() ) );
		$this->assertSame( 'done', State::get( $this->post, 'status' ) );
		$this->assertSame( 'ep-1', State::get( $this->post, 'episode_id' ) );
		$this->assertSame( 61.5, (float) State::get( $this->post, 'duration' ) );
		$before = get_post_meta( $this->post );
		$this->assertSame( 401, $this->apply( $this->episode() ), 'the same callback again' );
		$this->assertEquals( $before, get_post_meta( $this->post ) );
	}

	public function test_the_same_version_sent_again_with_more_is_taken(): void {
		$this->assertSame( 200, $this->apply( $this->episode() ) );
		$this->assertSame( 200, $this->apply( $this->episode( array( 'check' => array( 'wer' => 0.1 ) ) ) ) );
		$this->assertSame( 'done', State::get( $this->post, 'status' ) );
	}

	public function test_another_job_or_an_older_one_changes_nothing(): void {
		$this->assertSame( 200, $this->apply( $this->episode() ) );
		$before = get_post_meta( $this->post );
		$this->assertSame(
			401,
			$this->apply(
				$this->episode(
					array(
						'id'     => 'job-1',
						'job_id' => 'job-1',
						'status' => 'failed',
					)
				)
			)
		);
		$this->assertSame( 401, $this->apply( $this->episode( array( 'updated_at' => '2026-04-01T10:00:00Z', 'status' => 'failed' ) ) ) );
		$this->assertSame( 401, $this->apply( $this->episode( array( 'updated_at' => null ) ) ) );
		$this->assertEquals( $before, get_post_meta( $this->post ) );
	}

	public function test_a_failure_keeps_the_reason(): void {
		$this->assertSame(
			200,
			$this->apply(
				$this->episode(
					array(
						'status' => 'failed',
						'error'  => 'no article <b>found</b>',
					)
				)
			)
		);
		$this->assertSame( 'failed', State::get( $this->post, 'status' ) );
		$this->assertSame( 'no article found', State::get( $this->post, 'error' ) );
	}

	public function test_the_address_names_the_post_and_its_token(): void {
		$url = Callback::url( $this->post );
		$this->assertStringContainsString( 'narration/v1/callback/' . $this->post, rawurldecode( $url ) );
		$this->assertStringContainsString( 'token=' . Narration\Signature::post_token( $this->post, (string) Narration\Settings::get( 'callback_secret' ) ), $url );
	}
}
