<?php
/**
 * The narration's status in the editors: a block editor panel and a classic meta box.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * Both read GET narration/v1/posts/{id} and press POST narration/v1/posts/{id}/narrate
 * ("Narrate again"), each for users who may edit the post, with the REST nonce.
 */
final class Editor {

	/** The service is asked again about a pending job at most this often (seconds). */
	const REFRESH_S = 5;

	/** Hooks. */
	public static function register(): void {
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
		add_action( 'enqueue_block_editor_assets', array( __CLASS__, 'block_editor_assets' ) );
		add_action( 'add_meta_boxes', array( __CLASS__, 'meta_box' ), 10, 2 );
	}

	/** The routes. */
	public static function routes(): void {
		$can_edit = static fn( \WP_REST_Request $request ) => current_user_can( 'edit_post', (int) $request['id'] );
		register_rest_route(
			Callback::NS,
			'/posts/(?P<id>\d+)',
			array(
				'methods'             => 'GET',
				'callback'            => array( __CLASS__, 'status' ),
				'permission_callback' => $can_edit,
				'args'                => array(
					'id' => array(
						'type'     => 'integer',
						'required' => true,
					),
				),
			)
		);
		register_rest_route(
			Callback::NS,
			'/posts/(?P<id>\d+)/narrate',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'narrate' ),
				'permission_callback' => $can_edit,
				'args'                => array(
					'id' => array(
						'type'     => 'integer',
						'required' => true,
					),
				),
			)
		);
	}

	/**
	 * The post's narration. A pending job is looked up at the service now and then, so the
	 * panel moves on even when no callback reaches this site.
	 *
	 * @param \WP_REST_Request $request The request.
	 */
	public static function status( \WP_REST_Request $request ): \WP_REST_Response {
		$post_id = (int) $request['id'];
		if ( ! get_post( $post_id ) ) {
			return new \WP_REST_Response( array( 'code' => 'narration_no_post' ), 404 );
		}
		$job = (string) State::get( $post_id, 'job_id' );
		if ( '' !== $job && in_array( State::get( $post_id, 'status' ), array( 'queued', 'narrating' ), true )
			&& (int) State::get( $post_id, 'checked_at' ) < time() - self::REFRESH_S ) {
			$client = Client::from_settings();
			if ( null !== $client ) {
				Sync::refresh( $post_id, new Client( (string) Settings::get( 'service_url' ), (string) Settings::get( 'api_key' ), 5 ), $job );
			}
		}
		return new \WP_REST_Response( State::view( $post_id ), 200 );
	}

	/**
	 * "Narrate again": send the post now, even unchanged.
	 *
	 * @param \WP_REST_Request $request The request.
	 */
	public static function narrate( \WP_REST_Request $request ): \WP_REST_Response {
		$post_id = (int) $request['id'];
		$post    = get_post( $post_id );
		if ( ! Sync::eligible( $post ) ) {
			return new \WP_REST_Response(
				array(
					'code'    => 'narration_not_eligible',
					'message' => __( 'Only published posts of the types chosen in Settings → Narration, without a password, are narrated.', 'narration' ),
				),
				409
			);
		}
		State::set(
			$post_id,
			array(
				'force'  => 1,
				'status' => 'queued',
				'error'  => null,
			)
		);
		Sync::queue( $post_id );
		return new \WP_REST_Response( State::view( $post_id ), 202 );
	}

	/** What both editors' scripts are given. */
	private static function script_data( int $post_id ): array {
		return array(
			'postId'  => $post_id,
			'route'   => '/' . Callback::NS . '/posts/',
			'restUrl' => esc_url_raw( rest_url() ),
			'nonce'   => wp_create_nonce( 'wp_rest' ),
			'types'   => array_values( (array) Settings::get( 'post_types' ) ),
		);
	}

	/** The block editor's panel. */
	public static function block_editor_assets(): void {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( ! $screen || ! in_array( $screen->post_type, (array) Settings::get( 'post_types' ), true ) ) {
			return;
		}
		wp_enqueue_script(
			'narration-editor-panel',
			plugins_url( 'assets/editor-panel.js', NARRATION_FILE ),
			array( 'wp-plugins', 'wp-edit-post', 'wp-element', 'wp-components', 'wp-data', 'wp-api-fetch', 'wp-i18n' ),
			NARRATION_VERSION,
			true
		);
	}

	/**
	 * The classic editor's meta box (the block editor shows its panel instead).
	 *
	 * @param string   $post_type The post type.
	 * @param \WP_Post $post      The post.
	 */
	public static function meta_box( string $post_type, $post ): void {
		if ( ! in_array( $post_type, (array) Settings::get( 'post_types' ), true ) ) {
			return;
		}
		add_meta_box(
			'narration-status',
			__( 'Narration', 'narration' ),
			array( __CLASS__, 'render_meta_box' ),
			$post_type,
			'side',
			'default',
			array( '__back_compat_meta_box' => true )
		);
	}

	/**
	 * The meta box.
	 *
	 * @param \WP_Post $post The post.
	 */
	public static function render_meta_box( \WP_Post $post ): void {
		if ( ! current_user_can( 'edit_post', $post->ID ) ) {
			return;
		}
		wp_enqueue_script( 'narration-meta-box', plugins_url( 'assets/meta-box.js', NARRATION_FILE ), array(), NARRATION_VERSION, true );
		wp_localize_script( 'narration-meta-box', 'narrationMetaBox', self::script_data( $post->ID ) );
		$view = State::view( $post->ID );
		echo '<div id="narration-meta-box" data-status="' . esc_attr( $view['status'] ) . '">';
		echo '<p class="narration-status" role="status" aria-live="polite">' . esc_html( self::describe( $view ) ) . '</p>';
		echo '<p class="narration-links">';
		if ( 'done' === $view['status'] && '' !== $view['audio_url'] ) {
			echo '<audio controls preload="none" src="' . esc_url( $view['audio_url'] ) . '"></audio><br />';
			echo '<a href="' . esc_url( $view['page_url'] ) . '" target="_blank" rel="noopener">' . esc_html__( 'Episode page', 'narration' ) . '</a>';
		}
		echo '</p>';
		echo '<p><button type="button" class="button narration-again"' . ( $view['eligible'] ? '' : ' hidden' ) . '>' . esc_html__( 'Narrate again', 'narration' ) . '</button></p>';
		echo '</div>';
	}

	/**
	 * One line about the narration (the block editor's panel says the same in JavaScript).
	 *
	 * @param array<string, mixed> $view {@see State::view()}.
	 */
	public static function describe( array $view ): string {
		switch ( $view['status'] ) {
			case 'queued':
				return '' !== $view['note']
					/* translators: %s: why the last attempt did not reach the service. */
					? sprintf( __( 'Queued; the service did not take it yet (%s), trying again.', 'narration' ), $view['note'] )
					: __( 'Queued for narration.', 'narration' );
			case 'narrating':
				return __( 'Narrating…', 'narration' );
			case 'done':
				/* translators: %s: the episode's duration, m:ss. */
				return sprintf( __( 'Narrated (%s).', 'narration' ), self::duration( (float) $view['duration'] ) );
			case 'failed':
				/* translators: %s: the service's reason. */
				return sprintf( __( 'Failed: %s', 'narration' ), $view['error'] );
			case 'withdrawn':
				return __( 'Its episode was withdrawn.', 'narration' );
			default:
				return $view['eligible'] ? __( 'Not narrated.', 'narration' ) : __( 'Narrated once published.', 'narration' );
		}
	}

	/**
	 * Seconds as m:ss.
	 *
	 * @param float $seconds The duration.
	 */
	public static function duration( float $seconds ): string {
		$total = (int) round( $seconds );
		return sprintf( '%d:%02d', intdiv( $total, 60 ), $total % 60 );
	}
}
