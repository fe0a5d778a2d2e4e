<?php
/**
 * Keeping the service's episode in step with the post, in the background.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * Publishing, updating, unpublishing, trashing and deleting a post each schedule a
 * WP-Cron event; the event compares what the post is with what the service has and sends
 * what differs: POST /v1/articles, PUT /v1/episodes/{id} or DELETE /v1/episodes/{id}.
 * Nothing is sent while the editor waits. A request the service did not take for a
 * passing reason (unreachable, 5xx, 429, a job still running) is tried again on the
 * {@see Schedule}, without end.
 */
final class Sync {

	const HOOK          = 'narration_sync';
	const CHECK_HOOK    = 'narration_check';
	const WITHDRAW_HOOK = 'narration_withdraw';

	/** Seconds after a submission before the service is asked, in case no callback came. */
	const CHECK_AFTER_S = 60;

	/** Whether this request scheduled something due now (WP-Cron is spawned at its end). */
	private static bool $spawn = false;

	/** Hooks. */
	public static function register(): void {
		add_action( 'transition_post_status', array( __CLASS__, 'transition' ), 10, 3 );
		add_action( 'post_updated', array( __CLASS__, 'updated' ), 10, 3 );
		add_action( 'before_delete_post', array( __CLASS__, 'deleting' ), 10, 1 );
		add_filter( 'wp_untrash_post_status', array( __CLASS__, 'untrash_status' ), 10, 3 );
		add_action( self::HOOK, array( __CLASS__, 'run' ), 10, 1 );
		add_action( self::CHECK_HOOK, array( __CLASS__, 'check' ), 10, 1 );
		add_action( self::WITHDRAW_HOOK, array( __CLASS__, 'withdraw_ref' ), 10, 2 );
		add_action( 'shutdown', array( __CLASS__, 'spawn' ) );
	}

	/** On deactivation: nothing more is scheduled (pending work resumes on activation). */
	public static function deactivate(): void {
		wp_unschedule_hook( self::CHECK_HOOK );
	}

	/**
	 * Whether $post is to be narrated: published, not password-protected, of a chosen type.
	 *
	 * @param \WP_Post|null $post The post.
	 */
	public static function eligible( ?\WP_Post $post ): bool {
		return $post instanceof \WP_Post
			&& 'publish' === $post->post_status
			&& '' === (string) $post->post_password
			&& in_array( $post->post_type, (array) Settings::get( 'post_types' ), true );
	}

	/**
	 * Whether the plugin has something at the service for $post_id.
	 *
	 * @param int $post_id The post.
	 */
	public static function has_episode( int $post_id ): bool {
		return '' !== State::ref( $post_id );
	}

	/**
	 * A post changed status: publishing narrates it (when narrating on publish is on),
	 * leaving "publish" withdraws its episode.
	 *
	 * @param string   $new_status The new status.
	 * @param string   $old_status The old status.
	 * @param \WP_Post $post       The post.
	 */
	public static function transition( string $new_status, string $old_status, \WP_Post $post ): void {
		if ( wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) ) {
			return;
		}
		if ( self::eligible( $post ) ) {
			if ( Settings::get( 'on_publish' ) || self::has_episode( $post->ID ) ) {
				self::queue( $post->ID );
			}
		} elseif ( self::has_episode( $post->ID ) ) {
			self::queue( $post->ID );
		}
	}

	/**
	 * A published post changed without changing status (a password set, say).
	 *
	 * @param int      $post_id The post.
	 * @param \WP_Post $after   The post now.
	 * @param \WP_Post $before  The post before.
	 */
	public static function updated( int $post_id, \WP_Post $after, \WP_Post $before ): void {
		if ( $after->post_password !== $before->post_password && self::has_episode( $post_id ) ) {
			self::queue( $post_id );
		}
	}

	/**
	 * A post is deleted for good: its episode is withdrawn by its id, since the post's
	 * meta goes with it.
	 *
	 * @param int $post_id The post.
	 */
	public static function deleting( int $post_id ): void {
		$ref = State::ref( $post_id );
		wp_clear_scheduled_hook( self::HOOK, array( $post_id ) );
		wp_clear_scheduled_hook( self::CHECK_HOOK, array( $post_id ) );
		if ( '' !== $ref ) {
			wp_schedule_single_event( time(), self::WITHDRAW_HOOK, array( $ref, 1 ) );
			self::$spawn = true;
		}
	}

	/**
	 * A narrated post taken out of the trash is published again (and so narrated again)
	 * rather than left a draft.
	 *
	 * @param string $new_status      The status WordPress restores.
	 * @param int    $post_id         The post.
	 * @param string $previous_status Its status before it was trashed.
	 */
	public static function untrash_status( string $new_status, int $post_id, string $previous_status ): string {
		if ( 'publish' === $previous_status && 'withdrawn' === State::get( $post_id, 'status' ) ) {
			return 'publish';
		}
		return $new_status;
	}

	/**
	 * Schedule the post's sync now (or after $delay seconds), replacing one pending.
	 *
	 * @param int  $post_id The post.
	 * @param int  $delay   Seconds from now.
	 * @param bool $fresh   Whether this is a new change (the retry count starts over).
	 */
	public static function queue( int $post_id, int $delay = 0, bool $fresh = true ): void {
		if ( $fresh ) {
			$values = array(
				'attempts' => 0,
				'next_try' => null,
				'note'     => null,
			);
			$post   = get_post( $post_id );
			if ( self::eligible( $post ) && ! in_array( State::get( $post_id, 'status' ), array( 'queued', 'narrating' ), true ) ) {
				$values['status'] = 'queued';
				$values['error']  = null;
			}
			State::set( $post_id, $values );
		}
		wp_clear_scheduled_hook( self::HOOK, array( $post_id ) );
		wp_schedule_single_event( time() + $delay, self::HOOK, array( $post_id ) );
		if ( 0 === $delay ) {
			self::$spawn = true;
		}
	}

	/** At the end of a request that scheduled work due now: run WP-Cron at once. */
	public static function spawn(): void {
		if ( self::$spawn && ! ( defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON ) && ! wp_doing_cron() ) {
			self::$spawn = false;
			spawn_cron();
		}
	}

	/**
	 * The cron event: bring the service in line with the post.
	 *
	 * @param int $post_id The post.
	 */
	public static function run( $post_id ): void {
		$post_id = (int) $post_id;
		$post    = get_post( $post_id );
		if ( ! $post instanceof \WP_Post ) {
			return;
		}
		$client = Client::from_settings();
		if ( null === $client ) {
			self::retry( $post_id, __( 'the service URL or API key is not set', 'narration' ) );
			return;
		}
		if ( ! self::eligible( $post ) ) {
			self::withdraw( $post_id, $client );
			return;
		}
		self::submit( $post, $client );
	}

	/**
	 * Send the post (a new article, or a new version of its episode).
	 *
	 * @param \WP_Post $post   The post.
	 * @param Client   $client The service.
	 */
	private static function submit( \WP_Post $post, Client $client ): void {
		$post_id = $post->ID;
		$body    = Payload::for_post( $post );
		$hash    = Payload::hash( $body );
		$job     = (string) State::get( $post_id, 'job_id' );
		$forced  = (bool) State::get( $post_id, 'force' );
		if ( '' !== $job && ! $forced && State::get( $post_id, 'sent_hash' ) === $hash ) {
			return; // The service has this version already.
		}
		$body['callback_url'] = Callback::url( $post_id );
		$episode              = (string) State::get( $post_id, 'episode_id' );
		if ( '' !== $job && '' === $episode ) {
			// The first narration has not ended: a new version waits for it (it has no episode to replace yet).
			$now = $client->request( 'GET', '/v1/episodes/' . rawurlencode( $job ) );
			if ( $now->ok() && in_array( $now->json['status'] ?? '', array( 'queued', 'running' ), true ) ) {
				State::record( $post_id, $now->json );
				self::queue( $post_id, 15, false );
				return;
			}
			if ( $now->ok() && 'done' === ( $now->json['status'] ?? '' ) ) {
				State::record( $post_id, $now->json );
				$episode = (string) State::get( $post_id, 'episode_id' );
			} elseif ( $now->transient() ) {
				self::retry( $post_id, $now->reason() );
				return;
			}
		}
		if ( '' !== $episode ) {
			$answer = $client->request( 'PUT', '/v1/episodes/' . rawurlencode( $episode ), $body );
			if ( 404 === $answer->status ) {
				// The episode is gone from the service: narrate the post as a new article.
				$answer = $client->request( 'POST', '/v1/articles', $body );
			}
		} else {
			$answer = $client->request( 'POST', '/v1/articles', $body );
		}
		if ( $answer->ok() && isset( $answer->json['id'] ) && is_string( $answer->json['id'] ) ) {
			$status = (string) ( $answer->json['status'] ?? 'queued' );
			State::set(
				$post_id,
				array(
					'job_id'    => sanitize_text_field( $answer->json['id'] ),
					'status'    => 'running' === $status ? 'narrating' : ( 'done' === $status ? 'queued' : $status ),
					'sent_hash' => $hash,
					'force'     => null,
					'error'     => null,
					'note'      => null,
					'attempts'  => 0,
					'next_try'  => null,
					'callbacks' => array(),
				)
			);
			// The callback normally tells how it ended; the service is asked too, later, in case it cannot reach us.
			wp_clear_scheduled_hook( self::CHECK_HOOK, array( $post_id ) );
			$first = in_array( $status, array( 'done', 'failed' ), true ) ? 0 : self::CHECK_AFTER_S;
			wp_schedule_single_event( time() + $first, self::CHECK_HOOK, array( $post_id ) );
			return;
		}
		if ( 409 !== $answer->status && $answer->transient() ) {
			self::retry( $post_id, $answer->reason() );
			return;
		}
		if ( 409 === $answer->status && '' !== $episode ) {
			// A new version while the last one is still narrated: later.
			self::retry( $post_id, $answer->reason() );
			return;
		}
		State::set(
			$post_id,
			array(
				'status'   => 'failed',
				'error'    => $answer->reason(),
				'force'    => null,
				'attempts' => 0,
				'next_try' => null,
				'note'     => null,
			)
		);
	}

	/**
	 * Withdraw the post's episode (the post is no longer published, or no longer narrated).
	 *
	 * @param int    $post_id The post.
	 * @param Client $client  The service.
	 */
	private static function withdraw( int $post_id, Client $client ): void {
		$ref = State::ref( $post_id );
		if ( '' === $ref ) {
			return;
		}
		$answer = $client->request( 'DELETE', '/v1/episodes/' . rawurlencode( $ref ) );
		if ( $answer->ok() || 404 === $answer->status ) {
			$generation = (int) State::get( $post_id, 'generation' ) + 1;
			State::clear( $post_id );
			wp_clear_scheduled_hook( self::CHECK_HOOK, array( $post_id ) );
			State::set(
				$post_id,
				array(
					'generation' => $generation,
					'status'     => 'withdrawn',
				)
			);
			return;
		}
		self::retry( $post_id, $answer->reason() );
	}

	/**
	 * The cron event for a deleted post's episode: DELETE it, again later if need be.
	 *
	 * @param string $ref     The episode (or job) id.
	 * @param int    $attempt Which attempt this is.
	 */
	public static function withdraw_ref( $ref, $attempt = 1 ): void {
		$client = Client::from_settings();
		$answer = null === $client ? new Answer( 0, array(), 'not configured' ) : $client->request( 'DELETE', '/v1/episodes/' . rawurlencode( (string) $ref ) );
		if ( $answer->ok() || 404 === $answer->status || ( ! $answer->transient() && 0 !== $answer->status ) ) {
			return;
		}
		$attempt = (int) $attempt;
		wp_schedule_single_event( time() + Schedule::delay( $attempt ), self::WITHDRAW_HOOK, array( (string) $ref, $attempt + 1 ) );
	}

	/**
	 * The service did not take the request: try again on the schedule.
	 *
	 * @param int    $post_id The post.
	 * @param string $reason  Why.
	 */
	private static function retry( int $post_id, string $reason ): void {
		$attempts = (int) State::get( $post_id, 'attempts' ) + 1;
		$delay    = Schedule::delay( $attempts );
		State::set(
			$post_id,
			array(
				'attempts' => $attempts,
				'next_try' => time() + $delay,
				'note'     => $reason,
			)
		);
		self::queue( $post_id, $delay, false );
	}

	/**
	 * The cron event that asks the service how a submitted job is doing, for when its
	 * callback does not arrive (WordPress unreachable from the service, say).
	 *
	 * @param int $post_id The post.
	 */
	public static function check( $post_id ): void {
		$post_id = (int) $post_id;
		$job     = (string) State::get( $post_id, 'job_id' );
		$client  = Client::from_settings();
		if ( '' === $job || null === $client || ! in_array( State::get( $post_id, 'status' ), array( 'queued', 'narrating' ), true ) ) {
			return;
		}
		self::refresh( $post_id, $client, $job );
		if ( in_array( State::get( $post_id, 'status' ), array( 'queued', 'narrating' ), true ) ) {
			$checks = (int) get_post_meta( $post_id, State::PREFIX . 'checks', true ) + 1;
			update_post_meta( $post_id, State::PREFIX . 'checks', $checks );
			wp_schedule_single_event( time() + Schedule::delay( $checks, self::CHECK_AFTER_S, 900 ), self::CHECK_HOOK, array( $post_id ) );
		} else {
			delete_post_meta( $post_id, State::PREFIX . 'checks' );
		}
	}

	/**
	 * Ask the service about the post's job and record the answer.
	 *
	 * @param int    $post_id The post.
	 * @param Client $client  The service.
	 * @param string $job     The job id.
	 */
	public static function refresh( int $post_id, Client $client, string $job ): void {
		$answer = $client->request( 'GET', '/v1/episodes/' . rawurlencode( $job ) );
		if ( $answer->ok() && ( $answer->json['id'] ?? '' ) === $job && State::get( $post_id, 'job_id' ) === $job ) {
			State::record( $post_id, $answer->json );
		} else {
			State::set( $post_id, array( 'checked_at' => time() ) );
		}
	}
}
