<?php
/**
 * Settings → Narration: the service, its API key, what is narrated and where the player goes.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's settings, kept in one option. The API key never leaves the server: the
 * form shows only its last four characters and keeps it when the field is left empty.
 */
final class Settings {

	const OPTION = 'narration_settings';
	const PAGE   = 'narration';
	const GROUP  = 'narration';

	const POSITIONS = array( 'before', 'after', 'manual' );
	const EMBEDS    = array( 'component', 'iframe' );

	/**
	 * The settings when nothing is stored.
	 *
	 * @return array<string, mixed>
	 */
	public static function defaults(): array {
		return array(
			'service_url'     => '',
			'api_key'         => '',
			'callback_secret' => '',
			'show'            => '',
			'voice'           => '',
			'post_types'      => array( 'post' ),
			'on_publish'      => true,
			'position'        => 'after',
			'embed'           => 'component',
		);
	}

	/**
	 * Every setting, stored values over the defaults.
	 *
	 * @return array<string, mixed>
	 */
	public static function all(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? $stored : array() );
	}

	/**
	 * One setting.
	 *
	 * @param string $name The setting.
	 * @return mixed
	 */
	public static function get( string $name ) {
		$all = self::all();
		return $all[ $name ] ?? null;
	}

	/** Hooks. */
	public static function register(): void {
		add_action( 'admin_init', array( __CLASS__, 'admin_init' ) );
		add_action( 'admin_menu', array( __CLASS__, 'admin_menu' ) );
		add_action( 'wp_ajax_narration_test_connection', array( __CLASS__, 'test_connection' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( NARRATION_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/** On activation: a callback secret of its own. */
	public static function activate(): void {
		$all = self::all();
		if ( '' === $all['callback_secret'] ) {
			$all['callback_secret'] = wp_generate_password( 40, false, false );
			update_option( self::OPTION, $all, false );
		}
	}

	/** The settings and their form fields. */
	public static function admin_init(): void {
		register_setting(
			self::GROUP,
			self::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize_option' ),
				'show_in_rest'      => false,
				'default'           => self::defaults(),
			)
		);
		add_settings_section( 'narration_service', __( 'Service', 'narration' ), '__return_false', self::PAGE );
		add_settings_section( 'narration_posts', __( 'Posts', 'narration' ), '__return_false', self::PAGE );
		$fields = array(
			'service_url'     => array( __( 'Service URL', 'narration' ), 'narration_service' ),
			'api_key'         => array( __( 'API key', 'narration' ), 'narration_service' ),
			'callback_secret' => array( __( 'Callback secret', 'narration' ), 'narration_service' ),
			'show'            => array( __( 'Show', 'narration' ), 'narration_service' ),
			'voice'           => array( __( 'Voice', 'narration' ), 'narration_service' ),
			'post_types'      => array( __( 'Post types to narrate', 'narration' ), 'narration_posts' ),
			'on_publish'      => array( __( 'Narrate on publish', 'narration' ), 'narration_posts' ),
			'position'        => array( __( 'Player position', 'narration' ), 'narration_posts' ),
			'embed'           => array( __( 'Player', 'narration' ), 'narration_posts' ),
		);
		foreach ( $fields as $name => $field ) {
			add_settings_field(
				'narration_' . $name,
				$field[0],
				array( __CLASS__, 'field' ),
				self::PAGE,
				$field[1],
				array(
					'name'      => $name,
					'label_for' => 'narration_' . $name,
				)
			);
		}
	}

	/** Settings → Narration. */
	public static function admin_menu(): void {
		add_options_page(
			__( 'Narration', 'narration' ),
			__( 'Narration', 'narration' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'page' )
		);
	}

	/**
	 * A "Settings" link on the plugins screen.
	 *
	 * @param array<int|string, string> $links The plugin's links.
	 * @return array<int|string, string>
	 */
	public static function action_links( array $links ): array {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'narration' ) . '</a>' );
		return $links;
	}

	/**
	 * Sanitise what the form sends; the stored key (and secret) stay when left empty.
	 *
	 * @param mixed                     $input   The form's values.
	 * @param array<string, mixed>|null $current The stored settings (the option when null).
	 * @return array<string, mixed>
	 */
	public static function sanitize( $input, ?array $current = null ): array {
		$current = array_merge( self::defaults(), $current ?? self::all() );
		$input   = is_array( $input ) ? wp_unslash( $input ) : array();
		$out     = $current;

		$url = isset( $input['service_url'] ) ? trim( (string) $input['service_url'] ) : $current['service_url'];
		$url = esc_url_raw( $url, array( 'http', 'https' ) );
		if ( '' !== $url && ( ! in_array( wp_parse_url( $url, PHP_URL_SCHEME ), array( 'http', 'https' ), true ) || '' === (string) wp_parse_url( $url, PHP_URL_HOST ) ) ) {
			$url = '';
		}
		$out['service_url'] = untrailingslashit( $url );

		foreach ( array( 'api_key', 'callback_secret' ) as $secret ) {
			$value = isset( $input[ $secret ] ) ? preg_replace( '/[^\x21-\x7e]/', '', (string) $input[ $secret ] ) : '';
			if ( '' !== $value ) {
				$out[ $secret ] = substr( $value, 0, 512 );
			}
		}
		if ( ! empty( $input['forget_api_key'] ) ) {
			$out['api_key'] = '';
		}
		if ( '' === $out['callback_secret'] ) {
			$out['callback_secret'] = wp_generate_password( 40, false, false );
		}

		$show        = isset( $input['show'] ) ? strtolower( sanitize_text_field( (string) $input['show'] ) ) : '';
		$out['show'] = preg_match( '/^[a-z0-9][a-z0-9_-]{0,63}$/', $show ) ? $show : '';

		$voice        = isset( $input['voice'] ) ? sanitize_text_field( (string) $input['voice'] ) : '';
		$out['voice'] = ( strlen( $voice ) <= 300 && preg_match( '/^[A-Za-z0-9_]+:.+$/', $voice ) ) ? $voice : '';

		$types = isset( $input['post_types'] ) && is_array( $input['post_types'] ) ? $input['post_types'] : array();
		$known = get_post_types( array( 'public' => true ) );
		$out['post_types'] = array_values(
			array_filter(
				array_map( 'sanitize_key', array_map( 'strval', $types ) ),
				static fn( $type ) => isset( $known[ $type ] ) && 'attachment' !== $type
			)
		);

		$out['on_publish'] = ! empty( $input['on_publish'] );
		$position          = isset( $input['position'] ) ? (string) $input['position'] : '';
		$out['position']   = in_array( $position, self::POSITIONS, true ) ? $position : 'after';
		$embed             = isset( $input['embed'] ) ? (string) $input['embed'] : '';
		$out['embed']      = in_array( $embed, self::EMBEDS, true ) ? $embed : 'component';
		return $out;
	}

	/**
	 * The option's sanitize callback: {@see sanitize()} against the stored option, and
	 * errors shown on the settings page for what was refused.
	 *
	 * @param mixed $input The form's values.
	 * @return array<string, mixed>
	 */
	public static function sanitize_option( $input ): array {
		$out = self::sanitize( $input );
		if ( is_array( $input ) && ! empty( $input['service_url'] ) && '' === $out['service_url'] ) {
			add_settings_error( self::OPTION, 'service_url', __( 'The service URL must be an http or https address.', 'narration' ) );
		}
		if ( is_array( $input ) && ! empty( $input['voice'] ) && '' === $out['voice'] ) {
			add_settings_error( self::OPTION, 'voice', __( 'A voice is written backend:voice, e.g. piper:en_US-joe-medium.', 'narration' ) );
		}
		return $out;
	}

	/**
	 * What the form shows of a stored key: its last four characters.
	 *
	 * @param string $key The key.
	 */
	public static function masked( string $key ): string {
		if ( '' === $key ) {
			return '';
		}
		return str_repeat( '•', 8 ) . substr( $key, -4 );
	}

	/**
	 * One field of the form.
	 *
	 * @param array{name: string} $args The field.
	 */
	public static function field( array $args ): void {
		$all  = self::all();
		$name = $args['name'];
		$id   = 'narration_' . $name;
		$attr = self::OPTION . '[' . $name . ']';
		switch ( $name ) {
			case 'service_url':
				printf(
					'<input type="url" class="regular-text" id="%1$s" name="%2$s" value="%3$s" placeholder="https://audio.example.com" />',
					esc_attr( $id ),
					esc_attr( $attr ),
					esc_attr( $all['service_url'] )
				);
				break;
			case 'api_key':
				printf(
					'<input type="password" class="regular-text" id="%1$s" name="%2$s" value="" autocomplete="off" placeholder="%3$s" />',
					esc_attr( $id ),
					esc_attr( $attr ),
					esc_attr( '' === $all['api_key'] ? __( 'not set', 'narration' ) : self::masked( $all['api_key'] ) )
				);
				echo '<p class="description">' . esc_html__( 'Kept on the server, never shown again; leave empty to keep the stored key.', 'narration' ) . '</p>';
				break;
			case 'callback_secret':
				printf(
					'<input type="password" class="regular-text" id="%1$s" name="%2$s" value="" autocomplete="off" placeholder="%3$s" />',
					esc_attr( $id ),
					esc_attr( $attr ),
					esc_attr( self::masked( (string) $all['callback_secret'] ) )
				);
				echo '<p class="description">' . esc_html__( 'Ties each callback address to its post; made for you, change it to invalidate every pending callback.', 'narration' ) . '</p>';
				break;
			case 'show':
				printf(
					'<input type="text" class="regular-text" id="%1$s" name="%2$s" value="%3$s" placeholder="%4$s" />',
					esc_attr( $id ),
					esc_attr( $attr ),
					esc_attr( $all['show'] ),
					esc_attr__( "the service's default show", 'narration' )
				);
				break;
			case 'voice':
				printf(
					'<input type="text" class="regular-text" id="%1$s" name="%2$s" value="%3$s" placeholder="%4$s" />',
					esc_attr( $id ),
					esc_attr( $attr ),
					esc_attr( $all['voice'] ),
					esc_attr__( "the show's voice", 'narration' )
				);
				break;
			case 'post_types':
				echo '<fieldset id="' . esc_attr( $id ) . '">';
				foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
					if ( 'attachment' === $type->name ) {
						continue;
					}
					printf(
						'<label><input type="checkbox" name="%1$s[]" value="%2$s" %3$s /> %4$s</label><br />',
						esc_attr( $attr ),
						esc_attr( $type->name ),
						checked( in_array( $type->name, (array) $all['post_types'], true ), true, false ),
						esc_html( $type->labels->name )
					);
				}
				echo '</fieldset>';
				break;
			case 'on_publish':
				printf(
					'<label><input type="checkbox" id="%1$s" name="%2$s" value="1" %3$s /> %4$s</label>',
					esc_attr( $id ),
					esc_attr( $attr ),
					checked( (bool) $all['on_publish'], true, false ),
					esc_html__( 'Send each post to the service when it is published or updated', 'narration' )
				);
				break;
			case 'position':
				$labels = array(
					'before' => __( 'Before the content', 'narration' ),
					'after'  => __( 'After the content', 'narration' ),
					'manual' => __( 'Only where a Narration player block or [narration_player] shortcode puts it', 'narration' ),
				);
				self::select( $id, $attr, $labels, (string) $all['position'] );
				break;
			case 'embed':
				$labels = array(
					'component' => __( 'Web component (<narration-player>)', 'narration' ),
					'iframe'    => __( 'Iframe (the episode\'s embed page)', 'narration' ),
				);
				self::select( $id, $attr, $labels, (string) $all['embed'] );
				break;
		}
	}

	/**
	 * A select of $labels.
	 *
	 * @param string                $id       Its id.
	 * @param string                $attr     Its name.
	 * @param array<string, string> $labels   Values and labels.
	 * @param string                $selected The value selected.
	 */
	private static function select( string $id, string $attr, array $labels, string $selected ): void {
		printf( '<select id="%1$s" name="%2$s">', esc_attr( $id ), esc_attr( $attr ) );
		foreach ( $labels as $value => $label ) {
			printf( '<option value="%1$s" %2$s>%3$s</option>', esc_attr( $value ), selected( $selected, $value, false ), esc_html( $label ) );
		}
		echo '</select>';
	}

	/** The settings page. */
	public static function page(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		wp_enqueue_script( 'narration-settings', plugins_url( 'assets/settings.js', NARRATION_FILE ), array(), NARRATION_VERSION, true );
		wp_localize_script(
			'narration-settings',
			'narrationSettings',
			array(
				'ajaxUrl' => admin_url( 'admin-ajax.php' ),
				'nonce'   => wp_create_nonce( 'narration_test_connection' ),
				'testing' => __( 'Asking the service…', 'narration' ),
			)
		);
		echo '<div class="wrap"><h1>' . esc_html__( 'Narration', 'narration' ) . '</h1>';
		echo '<form action="options.php" method="post">';
		settings_fields( self::GROUP );
		do_settings_sections( self::PAGE );
		submit_button();
		echo '</form>';
		echo '<h2>' . esc_html__( 'Connection', 'narration' ) . '</h2>';
		echo '<p><button type="button" class="button" id="narration-test-connection">' . esc_html__( 'Test connection', 'narration' ) . '</button></p>';
		echo '<p id="narration-test-result" role="status" aria-live="polite"></p>';
		echo '</div>';
	}

	/** "Test connection": what the service says to the stored URL and key. */
	public static function test_connection(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_send_json_error( array( 'message' => __( 'You may not change these settings.', 'narration' ) ), 403 );
		}
		check_ajax_referer( 'narration_test_connection', 'nonce' );
		$client = Client::from_settings();
		if ( null === $client ) {
			wp_send_json_error( array( 'message' => __( 'Set the service URL and the API key first, and save them.', 'narration' ) ) );
		}
		$health = $client->request( 'GET', '/healthz' );
		if ( ! $health->ok() ) {
			/* translators: %s: what the service answered. */
			wp_send_json_error( array( 'message' => sprintf( __( 'The service cannot be used: %s', 'narration' ), $health->reason() ) ) );
		}
		$list = $client->request( 'GET', '/v1/episodes?limit=1' );
		if ( ! $list->ok() ) {
			/* translators: %s: what the service answered. */
			wp_send_json_error( array( 'message' => sprintf( __( 'The service answers, but refused the API key: %s', 'narration' ), $list->reason() ) ) );
		}
		$total = (int) ( $list->json['total'] ?? 0 );
		wp_send_json_success(
			array(
				/* translators: %d: how many articles the key has submitted. */
				'message' => sprintf( _n( 'Connected: the service is healthy and accepts the API key (%d article submitted with it).', 'Connected: the service is healthy and accepts the API key (%d articles submitted with it).', $total, 'narration' ), $total ),
			)
		);
	}
}
