/* SPDX-License-Identifier: MIT */
/*
 * token: the offset token codec. An offset is the connector's JSON
 * {"cursor": "<value>"}, or none at the start of a chain. A token names the
 * batch read from an offset in one epoch of a chain
 * (changes/<token>.jsonl). It does no I/O.
 *
 * Encoding of the offset (the body):
 *   - the start of a chain (no offset):              "0"
 *   - a cursor that is a canonical API timestamp
 *     "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (exactly that
 *     shape, a real date and time):                  "YYYYMMDDTHHMMSS.ffffffZ"
 *     2026-11-21T21:26:15.123456+00:00 -> 20261121T212615.123456Z
 *   - a cursor that is a date "YYYY-MM-DD" (a real
 *     date):                                         "YYYYMMDD"
 *     2026-11-21 -> 20261121
 *   - any other non-empty cursor:                    "x" + lowercase hex of
 *     its bytes                                      abc -> x616263
 * The epoch: epoch 1 is the body alone; epoch e from 2 to TOKEN_EPOCH_MAX
 * prefixes it with "y", e in six digits and "-": y000002-0,
 * y000002-20261121T212615.123456Z.
 *
 * Properties: tokens use only [A-Za-z0-9._-] (no ':'); the mapping of
 * (epoch, cursor) to tokens is one to one (decode(encode(e, c)) == (e, c),
 * and encode(decode(t)) == t for every t that decode accepts); within an
 * epoch, byte order of tokens is the order of their offsets among
 * timestamps and dates (together) and among "x" tokens, and the start
 * token sorts before every other token; every token of an epoch sorts
 * before every token of a later epoch ('y' sorts after digits and 'x', and
 * the epoch has a fixed width). A body is at most TOKEN_BODY_MAX
 * characters, so a cursor longer than 99 bytes that is neither a timestamp
 * nor a date has no token.
 */
#ifndef LF_TOKEN_H
#define LF_TOKEN_H

#include <stddef.h>

#include <json-c/json.h>

#include "common/buf.h"

#define TOKEN_BODY_MAX	200
#define TOKEN_EPOCH_LEN 8 /* "y000002-" */
#define TOKEN_EPOCH_MAX 999999u
#define TOKEN_MAX	(TOKEN_EPOCH_LEN + TOKEN_BODY_MAX)
#define TOKEN_SIZE	(TOKEN_MAX + 1)
#define TOKEN_START	"0" /* the start of epoch 1 */

/*
 * Writes the token of cursor (NULL: the start) in epoch (1 to
 * TOKEN_EPOCH_MAX) into out (len bytes, at least TOKEN_SIZE is always
 * enough). Returns 0, -ENAMETOOLONG when the body would pass TOKEN_BODY_MAX
 * characters or the token not fit in len, or -EINVAL for an empty cursor
 * (an offset never holds one) or an epoch out of range.
 */
int token_encode(unsigned epoch, const char *cursor, char *out, size_t len);

/*
 * Decodes a token: sets *epoch and *cursor to a malloc'd copy of the cursor
 * (the caller frees it) or to NULL for the start. Returns 0, -EINVAL for
 * anything token_encode() does not produce, or -ENOMEM.
 */
int token_decode(const char *token, unsigned *epoch, char **cursor);

/*
 * Appends the offset JSON of cursor to out: {"cursor": "<value>"} with the
 * value escaped as JSON, or null when cursor is NULL. Returns 0 or -errno.
 */
int offset_json(const char *cursor, struct buf *out);

/*
 * Parses offset JSON ({"cursor": "<non-empty string>"} or null, nothing
 * else) and sets *cursor to a malloc'd copy, or NULL for null. Returns 0,
 * -EINVAL, or -ENOMEM.
 */
int offset_parse(const char *json, char **cursor);

/* The same over a parsed JSON value (NULL for null); obj stays borrowed. */
int offset_from_json(struct json_object *obj, char **cursor);

/*
 * jsondoc_parse() over a NUL-terminated text: all of json, strictly
 * (surrounding white space allowed), into *obj (the caller puts it; NULL
 * for null). Returns 0, -EINVAL or -ENOMEM.
 */
int json_parse_strict(const char *json, struct json_object **obj);

#endif
