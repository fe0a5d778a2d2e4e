<?php
/**
 * When a request the service did not take is tried again.
 *
 * @package Narration
 */

namespace Narration;

defined( 'ABSPATH' ) || exit;

/**
 * The retry schedule: the first retry after the base delay, doubled after each failed
 * attempt, never longer than the cap. There is no last attempt: a service that is down
 * delays a narration, it does not lose it.
 */
final class Schedule {

	/** Seconds before the first retry (NARRATION_RETRY_BASE_S overrides it). */
	const BASE_S = 30;

	/** The longest wait between two attempts (NARRATION_RETRY_CAP_S overrides it). */
	const CAP_S = 3600;

	/** The base delay in force. */
	public static function base(): int {
		return defined( 'NARRATION_RETRY_BASE_S' ) ? max( 1, (int) NARRATION_RETRY_BASE_S ) : self::BASE_S;
	}

	/** The cap in force. */
	public static function cap(): int {
		return defined( 'NARRATION_RETRY_CAP_S' ) ? max( 1, (int) NARRATION_RETRY_CAP_S ) : self::CAP_S;
	}

	/**
	 * Seconds to wait after failed attempt number $attempt (1 for the first).
	 *
	 * @param int      $attempt How many attempts have failed.
	 * @param int|null $base    The first delay (the setting when null).
	 * @param int|null $cap     The longest delay (the setting when null).
	 */
	public static function delay( int $attempt, ?int $base = null, ?int $cap = null ): int {
		$base    = $base ?? self::base();
		$cap     = $cap ?? self::cap();
		$attempt = max( 1, $attempt );
		// 2 ** 30 seconds is far past any cap; stop doubling before the integer overflows.
		$doubled = $base * ( 2 ** min( $attempt - 1, 30 ) );
		return (int) min( $doubled, $cap );
	}
}
