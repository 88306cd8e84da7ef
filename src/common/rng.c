/* SPDX-License-Identifier: MIT */
/*
 * rng: counter-based hashing for seed data and fault injection. See rng.h.
 */
#include "rng.h"

uint64_t rng_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Chained mixing, so counters that differ in any bit give unrelated hashes. */
uint64_t rng_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = rng_mix(seed);

	h = rng_mix(h ^ a);
	h = rng_mix(h ^ b);
	return rng_mix(h ^ c);
}

double rng_unit(uint64_t h)
{
	return (double)(h >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}
