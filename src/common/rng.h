/* SPDX-License-Identifier: MIT */
/*
 * rng: the simulated servers' counter-based random numbers.
 *
 * Every draw is a pure function of (seed, a few counters), so a seeded row
 * can be regenerated on demand in any order and from any thread, and the
 * same --seed always gives the same data and the same injected faults.
 * No state, no locks.
 */
#ifndef LF_RNG_H
#define LF_RNG_H

#include <stdint.h>

/* One step of the splitmix64 finaliser: a good 64-bit mixing function. */
uint64_t rng_mix(uint64_t x);
/* A hash of the seed and up to three counters. */
uint64_t rng_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/* Maps a hash to a double uniformly in [0, 1). */
double rng_unit(uint64_t h);

#endif
