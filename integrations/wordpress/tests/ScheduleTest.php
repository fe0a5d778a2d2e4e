<?php
/**
 * The retry schedule.
 *
 * @package Narration
 */

use Narration\Schedule;
use PHPUnit\Framework\TestCase;

final class ScheduleTest extends TestCase {

	public function test_doubles_from_the_base_up_to_the_cap(): void {
		$delays = array_map( static fn( $n ) => Schedule::delay( $n, 30, 3600 ), range( 1, 10 ) );
		$this->assertSame( array( 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 ), $delays );
	}

	public function test_never_ends_and_never_overflows(): void {
		$this->assertSame( 3600, Schedule::delay( 1000, 30, 3600 ) );
		$this->assertSame( 3600, Schedule::delay( PHP_INT_MAX, 30, 3600 ) );
	}

	public function test_an_attempt_below_one_counts_as_the_first(): void {
		$this->assertSame( 30, Schedule::delay( 0, 30, 3600 ) );
		$this->assertSame( 30, Schedule::delay( -5, 30, 3600 ) );
	}

	public function test_the_site_may_set_the_base(): void {
		// The test site defines NARRATION_RETRY_BASE_S; without it the base is 30 s.
		$base = defined( 'NARRATION_RETRY_BASE_S' ) ? (int) NARRATION_RETRY_BASE_S : 30;
		$this->assertSame( $base, Schedule::delay( 1 ) );
		$this->assertSame( $base * 2, Schedule::delay( 2 ) );
	}
}
