/* SPDX-License-Identifier: MIT */
/*
 * fuzz: what the libFuzzer targets share. Each target is one
 * LLVMFuzzerTestOneInput() over one parser; a broken property calls
 * FUZZ_ASSERT, which aborts so libFuzzer saves the input as a crash.
 * Built with --enable-fuzzers (CC=clang); run with contrib/fuzz.sh.
 */
#ifndef LF_FUZZ_H
#define LF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(expr) \
	do { \
		if (!(expr)) { \
			fprintf(stderr, "%s:%d: property broken: %s\n", \
				__FILE__, __LINE__, #expr); \
			abort(); \
		} \
	} while (0)

/* A NUL-terminated copy of the input (cut at its first NUL, if any). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
