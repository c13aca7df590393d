/* gst-rtcbot
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/* Unit tests for the strict JSON validator in gst/rtcbot/gstrtcbotjson.c,
 * which the build compiles into this test as an extra source. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <string.h>

#include "gstrtcbotjson.h"

typedef struct
{
  const gchar *data;
  gsize len;
} Doc;

typedef struct
{
  const gchar *data;
  gsize len;
  /* substring expected in the error message, or NULL */
  const gchar *msg;
} BadDoc;

/* sizeof-based length so that embedded NULs are kept */
#define DOC(s) { s, sizeof (s) - 1 }
#define BAD(s, m) { s, sizeof (s) - 1, m }

/* Validates a copy of the input in a heap block of exactly len bytes, so
 * that valgrind / ASan catch any read past the end. */
static gboolean
validate_exact (const gchar * data, gsize len, GError ** error)
{
  gchar *copy = g_memdup2 (data, len);
  gboolean ret;

  ret = gst_rtcbot_json_validate (copy, len, error);
  g_free (copy);

  return ret;
}

static gchar *
printable (const gchar * data, gsize len)
{
  gchar *tmp = g_strndup (data, len);
  gchar *ret = g_strescape (tmp, NULL);

  g_free (tmp);
  return ret;
}

static void
assert_valid (const gchar * data, gsize len)
{
  GError *err = NULL;

  if (!validate_exact (data, len, &err)) {
    gchar *p = printable (data, len);

    fail ("valid document rejected: '%s' (len %" G_GSIZE_FORMAT "): %s",
        p, len, err ? err->message : "(no error)");
    g_free (p);
  }
  fail_unless (err == NULL);
}

static void
assert_invalid (const gchar * data, gsize len, GstRtcbotJsonError code,
    const gchar * msg)
{
  GError *err = NULL;
  gboolean ret;

  ret = validate_exact (data, len, &err);
  if (ret) {
    gchar *p = printable (data, len);

    fail ("invalid document accepted: '%s' (len %" G_GSIZE_FORMAT ")", p, len);
    g_free (p);
  }
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, GST_RTCBOT_JSON_ERROR, code),
      "unexpected error domain/code %d for: %s", err->code, err->message);
  fail_unless (g_str_has_prefix (err->message, "line "), "bad message: %s",
      err->message);
  fail_unless (strstr (err->message, ", column ") != NULL,
      "bad message: %s", err->message);
  fail_unless (strstr (err->message, " near '") != NULL,
      "bad message: %s", err->message);
  fail_unless (g_utf8_validate (err->message, -1, NULL),
      "error message is not valid UTF-8");
  if (msg != NULL)
    fail_unless (strstr (err->message, msg) != NULL,
        "expected '%s' in error message: %s", msg, err->message);

  /* must also fail (without crashing) when no error is requested */
  fail_if (validate_exact (data, len, NULL));

  g_error_free (err);
}

static const Doc valid_docs[] = {
  /* every type at top level */
  DOC ("{}"),
  DOC ("[]"),
  DOC ("\"\""),
  DOC ("\"abc\""),
  DOC ("0"),
  DOC ("-0"),
  DOC ("1"),
  DOC ("-1"),
  DOC ("true"),
  DOC ("false"),
  DOC ("null"),
  /* numbers */
  DOC ("123"),
  DOC ("-123"),
  DOC ("0.5"),
  DOC ("-0.0"),
  DOC ("10.25"),
  DOC ("1e10"),
  DOC ("1E10"),
  DOC ("1e+10"),
  DOC ("1e-10"),
  DOC ("1E+0"),
  DOC ("0e0"),
  DOC ("-0e-0"),
  DOC ("0E00"),
  DOC ("1.5e300"),
  DOC ("-2.5E-300"),
  DOC ("1e999999"),
  DOC ("123456789012345678901234567890"),
  DOC ("-98765432109876543210.0123456789e-12345"),
  DOC ("18446744073709551616"),
  DOC ("9007199254740993"),
  DOC ("[0,-0,1,-1,0.1,-0.1,1e1,1E-1,1e+1,100,1.0e001]"),
  /* strings and escapes */
  DOC ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""),
  DOC ("\"\\u0000\""),
  DOC ("\"\\u0041\\u00e9\\u00E9\\u20AC\\uFFFF\\uffff\""),
  DOC ("\"\\uD7FF\\uE000\""),
  DOC ("\"\\uD83D\\uDE00\""),
  DOC ("\"\\ud83d\\ude00\""),
  DOC ("\"\\uD800\\uDC00\""),
  DOC ("\"\\uDBFF\\uDFFF\""),
  DOC ("\"a\\uD834\\uDD1Eb\""),
  DOC ("\"/ slash and 'single' quotes\""),
  DOC ("\"DEL \x7f is allowed unescaped\""),
  DOC ("\"{}[],:  true false null 0\""),
  /* raw UTF-8: 2, 3 and 4 byte sequences incl. boundaries */
  DOC ("\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\""),
  DOC ("\"\xc2\x80\xdf\xbf\""),
  DOC ("\"\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\""),
  DOC ("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\""),
  DOC ("\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\""),
  DOC ("{\"\xc3\xa9\":\"\xe2\x82\xac\"}"),
  /* containers */
  DOC ("[1,2,3]"),
  DOC ("[[],[[]],{}]"),
  DOC ("{\"a\":1}"),
  DOC ("{\"\":\"\"}"),
  DOC ("{\"a\":1,\"a\":2}"),
  DOC ("{\"a\":[1,{\"b\":null}],\"c\":{\"d\":[true,false]},\"e\":\"f\"}"),
  DOC ("[\"a\",{\"b\":[\"c\",{\"d\":{}}]},-1.5e3,null]"),
  DOC ("{\"type\":\"offer\",\"sdp\":"
      "\"v=0\\r\\no=- 0 0 IN IP4 0.0.0.0\\r\\n\"}"),
  /* whitespace */
  DOC (" 1"),
  DOC ("1 "),
  DOC (" \t\r\n true \t\r\n"),
  DOC ("\n\n\n[\n1\n,\n2\n]\n"),
  DOC ("{ \"a\" : 1 , \"b\" : [ ] , \"c\" : { } }"),
  DOC ("[ ]"),
  DOC ("{ }"),
  DOC ("{\t\r\n}"),
  DOC ("\r\n[\t1\r,\n2 ]\t"),
};

static const BadDoc invalid_docs[] = {
  /* empty */
  BAD ("", "unexpected end of input"),
  BAD (" ", "unexpected end of input"),
  BAD (" \t\r\n", "line 2, column 1"),
  /* structure */
  BAD ("{", "expected string key"),
  BAD ("[", "expected a value"),
  BAD ("]", "unexpected ']'"),
  BAD ("}", "unexpected '}'"),
  BAD (",", "unexpected ','"),
  BAD (":", "unexpected ':'"),
  BAD ("[1,]", "trailing comma before ']'"),
  BAD ("[1, ]", "trailing comma before ']'"),
  BAD ("{\"a\":1,}", "trailing comma before '}'"),
  BAD ("{\"a\":1 , }", "trailing comma before '}'"),
  BAD ("[,1]", "unexpected ','"),
  BAD ("[1,,2]", "unexpected ','"),
  BAD ("[,]", "unexpected ','"),
  BAD ("{,}", "expected string key"),
  BAD ("[1 2]", "expected ',' or ']' after array element"),
  BAD ("[1:2]", "expected ',' or ']'"),
  BAD ("{\"a\" 1}", "expected ':' after object key"),
  BAD ("{\"a\"}", "expected ':'"),
  BAD ("{\"a\"::1}", "unexpected ':'"),
  BAD ("{\"a\":}", "unexpected '}'"),
  BAD ("{\"a\":1 \"b\":2}", "expected ',' or '}' after object member"),
  BAD ("{\"a\":1;\"b\":2}", "expected ',' or '}'"),
  BAD ("{\"a\",1}", "expected ':'"),
  BAD ("{1:2}", "expected string key"),
  BAD ("{a:1}", "expected string key"),
  BAD ("{null:1}", "expected string key"),
  BAD ("[\"a\":1]", "expected ',' or ']'"),
  BAD ("[1}", "expected ',' or ']'"),
  BAD ("{\"a\":1]", "expected ',' or '}'"),
  BAD ("[[]", "unexpected end of input"),
  BAD ("[]]", "unexpected data after JSON value"),
  BAD ("{\"a\":1}}", "unexpected data after JSON value"),
  BAD ("{}{}", "unexpected data after JSON value"),
  BAD ("[][]", "unexpected data after JSON value"),
  BAD ("1 2", "unexpected data after JSON value"),
  BAD ("\"a\" \"b\"", "unexpected data after JSON value"),
  BAD ("[1] x", "unexpected data after JSON value"),
  BAD ("{}, {}", "unexpected data after JSON value"),
  /* single quotes */
  BAD ("'abc'", "single-quoted"),
  BAD ("{'a':1}", "single-quoted"),
  BAD ("['a']", "single-quoted"),
  /* comments */
  BAD ("// c\n1", "comments are not allowed"),
  BAD ("/* c */ 1", "comments are not allowed"),
  BAD ("1 // c", "comments are not allowed"),
  BAD ("[1 /* c */]", "expected ',' or ']'"),
  BAD ("{/* c */\"a\":1}", "comments are not allowed"),
  BAD ("# c\n1", "unexpected character"),
  /* literals */
  BAD ("t", "expected 'true'"),
  BAD ("tru", "expected 'true'"),
  BAD ("truex", "unexpected data after JSON value"),
  BAD ("True", "unexpected character"),
  BAD ("TRUE", "unexpected character"),
  BAD ("fals", "expected 'false'"),
  BAD ("falsy", "expected 'false'"),
  BAD ("nul", "expected 'null'"),
  BAD ("nill", "expected 'null'"),
  BAD ("NULL", "unexpected character"),
  BAD ("None", "unexpected character"),
  BAD ("undefined", "unexpected character"),
  BAD ("[true false]", "expected ',' or ']'"),
  BAD ("[nulll]", "expected ',' or ']'"),
  /* numbers */
  BAD ("01", "leading zeros"),
  BAD ("00", "leading zeros"),
  BAD ("-01", "leading zeros"),
  BAD ("[007]", "leading zeros"),
  BAD ("+1", "must not start with '+'"),
  BAD ("[+1]", "must not start with '+'"),
  BAD (".5", "must start with a digit"),
  BAD ("-.5", "expected digit after '-'"),
  BAD ("1.", "expected digit after decimal point"),
  BAD ("1.e5", "expected digit after decimal point"),
  BAD ("[1.]", "expected digit after decimal point"),
  BAD ("1e", "expected digit in exponent"),
  BAD ("1E+", "expected digit in exponent"),
  BAD ("1e-", "expected digit in exponent"),
  BAD ("1e+-1", "expected digit in exponent"),
  BAD ("1ee1", "expected digit in exponent"),
  BAD ("-", "expected digit after '-'"),
  BAD ("--1", "expected digit after '-'"),
  BAD ("- 1", "expected digit after '-'"),
  BAD ("-a", "expected digit after '-'"),
  BAD ("1.5.5", "unexpected data after JSON value"),
  BAD ("1e5.5", "unexpected data after JSON value"),
  BAD ("1e5e5", "unexpected data after JSON value"),
  BAD ("0x10", "unexpected data after JSON value"),
  BAD ("1_000", "unexpected data after JSON value"),
  BAD ("NaN", "unexpected character"),
  BAD ("-NaN", "expected digit after '-'"),
  BAD ("Infinity", "unexpected character"),
  BAD ("-Infinity", "expected digit after '-'"),
  BAD ("[Infinity]", "unexpected character"),
  /* strings */
  BAD ("\"", "unterminated string"),
  BAD ("\"abc", "unterminated string"),
  BAD ("\"abc\\\"", "unterminated string"),
  BAD ("\"abc\\", "unterminated string"),
  BAD ("[\"abc]", "unterminated string"),
  BAD ("\"\\x41\"", "invalid escape sequence"),
  BAD ("\"\\'\"", "invalid escape sequence"),
  BAD ("\"\\a\"", "invalid escape sequence"),
  BAD ("\"\\U0041\"", "invalid escape sequence"),
  BAD ("\"\\0\"", "invalid escape sequence"),
  BAD ("\"\\ \"", "invalid escape sequence"),
  BAD ("\"\\u\"", "expected 4 hex digits"),
  BAD ("\"\\u12\"", "expected 4 hex digits"),
  BAD ("\"\\u12G4\"", "expected 4 hex digits"),
  BAD ("\"\\u-123\"", "expected 4 hex digits"),
  BAD ("\"\\u 123\"", "expected 4 hex digits"),
  BAD ("\"\\u123", "expected 4 hex digits"),
  BAD ("\"\\uD800\"", "not followed by a low surrogate"),
  BAD ("\"\\uDBFF\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800x\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\u0041\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\n\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\uD800\"", "not followed by a low surrogate"),
  BAD ("\"\\uDBFF\\uDBFF\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\uE000\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\uDC0\"", "not followed by a low surrogate"),
  BAD ("\"\\uD800\\u", "not followed by a low surrogate"),
  BAD ("\"\\uD800", "not followed by a low surrogate"),
  BAD ("\"\\uDC00\"", "unpaired low surrogate"),
  BAD ("\"\\uDFFF\"", "unpaired low surrogate"),
  BAD ("\"\\uDC00\\uD800\"", "unpaired low surrogate"),
  BAD ("\"tab\there\"", "unescaped control character"),
  BAD ("\"new\nline\"", "unescaped control character"),
  BAD ("\"cr\rhere\"", "unescaped control character"),
  BAD ("\"\x01\"", "unescaped control character"),
  BAD ("\"\x1f\"", "unescaped control character"),
  BAD ("{\"a\nb\":1}", "unescaped control character"),
  /* embedded NUL */
  BAD ("\0", "unexpected NUL byte"),
  BAD ("\"a\0b\"", "unescaped control character"),
  BAD ("{}\0", "unexpected data after JSON value"),
  BAD ("[1,\0 2]", "unexpected NUL byte"),
  BAD ("1\0", "unexpected data after JSON value"),
  BAD ("\0 1", "unexpected NUL byte"),
  /* whitespace that JSON does not allow */
  BAD ("\v1", "unexpected character"),
  BAD ("\f1", "unexpected character"),
  BAD ("[1,\f2]", "unexpected character"),
  BAD ("\xc2\xa0" "1", "unexpected character"),
  BAD ("\xef\xbb\xbf{}", "byte order mark"),
  /* raw UTF-8 outside strings */
  BAD ("\xc3\xa9", "unexpected character"),
  BAD ("[\xe2\x82\xac]", "unexpected character"),
  /* invalid UTF-8 inside strings */
  BAD ("\"\x80\"", "invalid UTF-8"),
  BAD ("\"\xbf\"", "invalid UTF-8"),
  BAD ("\"\xc0\"", "invalid UTF-8"),
  BAD ("\"\xc1\xbf\"", "invalid UTF-8"),
  BAD ("\"\xc3\"", "invalid UTF-8"),
  BAD ("\"\xc3", "invalid UTF-8"),
  BAD ("\"\xc3\x28\"", "invalid UTF-8"),
  BAD ("\"\xe2\x82\"", "invalid UTF-8"),
  BAD ("\"\xe2\x28\xa1\"", "invalid UTF-8"),
  BAD ("\"\xe2\x82\x28\"", "invalid UTF-8"),
  BAD ("\"\xf0\x9f\x98\"", "invalid UTF-8"),
  BAD ("\"\xf0\x28\x8c\xbc\"", "invalid UTF-8"),
  BAD ("\"\xf0\x9f\x98\x28\"", "invalid UTF-8"),
  BAD ("\"\xfe\"", "invalid UTF-8"),
  BAD ("\"\xff\"", "invalid UTF-8"),
  BAD ("\"\xfe\xfe\xff\xff\"", "invalid UTF-8"),
  /* overlong encodings */
  BAD ("\"\xc0\xaf\"", "invalid UTF-8"),
  BAD ("\"\xc0\x80\"", "invalid UTF-8"),
  BAD ("\"\xc1\x81\"", "invalid UTF-8"),
  BAD ("\"\xe0\x80\xaf\"", "invalid UTF-8"),
  BAD ("\"\xe0\x9f\xbf\"", "invalid UTF-8"),
  BAD ("\"\xe0\x80\x80\"", "invalid UTF-8"),
  BAD ("\"\xf0\x80\x80\xaf\"", "invalid UTF-8"),
  BAD ("\"\xf0\x8f\xbf\xbf\"", "invalid UTF-8"),
  BAD ("\"\xf8\x80\x80\x80\xaf\"", "invalid UTF-8"),
  BAD ("\"\xfc\x80\x80\x80\x80\xaf\"", "invalid UTF-8"),
  /* UTF-8 encoded surrogates and code points above U+10FFFF */
  BAD ("\"\xed\xa0\x80\"", "invalid UTF-8"),
  BAD ("\"\xed\xbf\xbf\"", "invalid UTF-8"),
  BAD ("\"\xed\xa0\xbd\xed\xb8\x80\"", "invalid UTF-8"),
  BAD ("\"\xf4\x90\x80\x80\"", "invalid UTF-8"),
  BAD ("\"\xf5\x80\x80\x80\"", "invalid UTF-8"),
  BAD ("\"\xf7\xbf\xbf\xbf\"", "invalid UTF-8"),
  BAD ("{\"\xff\":1}", "invalid UTF-8"),
};

GST_START_TEST (test_valid_documents)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid_docs); i++)
    assert_valid (valid_docs[i].data, valid_docs[i].len);
}

GST_END_TEST;

GST_START_TEST (test_valid_in_containers)
{
  guint i;

  /* every valid scalar/container must also be valid as array element and
   * object member value */
  for (i = 0; i < G_N_ELEMENTS (valid_docs); i++) {
    gchar *arr, *obj;

    arr = g_strdup_printf ("[%.*s, %.*s]", (gint) valid_docs[i].len,
        valid_docs[i].data, (gint) valid_docs[i].len, valid_docs[i].data);
    obj = g_strdup_printf ("{\"k\":%.*s,\"l\" : %.*s}",
        (gint) valid_docs[i].len, valid_docs[i].data,
        (gint) valid_docs[i].len, valid_docs[i].data);
    assert_valid (arr, strlen (arr));
    assert_valid (obj, strlen (obj));
    g_free (arr);
    g_free (obj);
  }
}

GST_END_TEST;

GST_START_TEST (test_invalid_documents)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (invalid_docs); i++)
    assert_invalid (invalid_docs[i].data, invalid_docs[i].len,
        GST_RTCBOT_JSON_ERROR_INVALID, invalid_docs[i].msg);
}

GST_END_TEST;

GST_START_TEST (test_invalid_in_containers)
{
  guint i;

  /* invalid values stay invalid when nested; skip those whose badness is
   * trailing data or emptiness, which only applies at the top level */
  for (i = 0; i < G_N_ELEMENTS (invalid_docs); i++) {
    const BadDoc *b = &invalid_docs[i];
    gchar *arr;
    gsize len;

    if (b->msg == NULL || strstr (b->msg, "after JSON value") != NULL
        || strstr (b->msg, "end of input") != NULL
        || strstr (b->msg, "line 2") != NULL
        || strstr (b->msg, "byte order mark") != NULL)
      continue;

    /* [ <doc> ] built with memcpy to keep embedded NULs */
    len = b->len + 2;
    arr = g_malloc (len);
    arr[0] = '[';
    memcpy (arr + 1, b->data, b->len);
    arr[len - 1] = ']';
    assert_invalid (arr, len, GST_RTCBOT_JSON_ERROR_INVALID, NULL);
    g_free (arr);
  }
}

GST_END_TEST;

static const gchar *prefix_docs[] = {
  "{\"a\":[1,2.5e-3,{\"b\":null}],\"c\":\"h\\u00e9llo \\ud83d\\ude00 "
      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"d\":true,\"e\":false}",
  "[0,-1,1e5,-0.5E+10,\"x\\\\\\\"y\\/\",[],{},[[{}]]]",
  " \t\r\n{ \"k\" : [ true , null , \"\" ] , \"\" : { } }",
  "\"abc\\u0041\\n\\uD834\\uDD1E\xf4\x8f\xbf\xbf\"",
  "true",
  "false",
  "null",
  "[-0]",
  "{\"type\":\"candidate\",\"candidate\":\"candidate:1 1 UDP 2122 "
      "192.168.1.2 5000 typ host\",\"sdpMLineIndex\":0}",
};

GST_START_TEST (test_truncated_prefixes)
{
  guint i;
  gsize n, len;

  for (i = 0; i < G_N_ELEMENTS (prefix_docs); i++) {
    len = strlen (prefix_docs[i]);

    for (n = 0; n < len; n++) {
      GError *err = NULL;

      if (validate_exact (prefix_docs[i], n, &err)) {
        gchar *p = printable (prefix_docs[i], n);

        fail ("truncated document (%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
            " bytes) accepted: '%s'", n, len, p);
        g_free (p);
      }
      fail_unless (g_error_matches (err, GST_RTCBOT_JSON_ERROR,
              GST_RTCBOT_JSON_ERROR_INVALID));
      fail_unless (g_utf8_validate (err->message, -1, NULL));
      g_error_free (err);
    }

    assert_valid (prefix_docs[i], len);
  }
}

GST_END_TEST;

/* mode 0: only arrays, 1: alternating objects and arrays, 2: only objects */
static gchar *
make_nested (guint depth, gint mode, gboolean close)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < depth; i++) {
    if ((mode == 1 && i % 2 == 0) || mode == 2)
      g_string_append (s, "{\"k\": ");
    else
      g_string_append (s, "[ ");
  }
  g_string_append (s, "1");
  if (close) {
    for (i = depth; i > 0; i--) {
      if ((mode == 1 && (i - 1) % 2 == 0) || mode == 2)
        g_string_append_c (s, '}');
      else
        g_string_append_c (s, ']');
    }
  }

  return g_string_free (s, FALSE);
}

GST_START_TEST (test_depth_limit)
{
  GError *err = NULL;
  gchar *s;
  gint mode;

  fail_unless_equals_int (GST_RTCBOT_JSON_MAX_DEPTH, 512);

  for (mode = 0; mode <= 2; mode++) {
    s = make_nested (GST_RTCBOT_JSON_MAX_DEPTH, mode, TRUE);
    assert_valid (s, strlen (s));
    g_free (s);

    s = make_nested (GST_RTCBOT_JSON_MAX_DEPTH + 1, mode, TRUE);
    assert_invalid (s, strlen (s), GST_RTCBOT_JSON_ERROR_TOO_DEEP, "512");
    g_free (s);

    /* unclosed but within the limit: plain syntax error */
    s = make_nested (GST_RTCBOT_JSON_MAX_DEPTH, mode, FALSE);
    assert_invalid (s, strlen (s), GST_RTCBOT_JSON_ERROR_INVALID,
        "unexpected end of input");
    g_free (s);
  }

  /* exact boundary with bare brackets; the 513th '[' is at column 513 */
  s = g_strnfill (512, '[');
  {
    gchar *closing = g_strnfill (512, ']');
    gchar *doc = g_strconcat (s, closing, NULL);

    assert_valid (doc, strlen (doc));
    g_free (doc);
    doc = g_strconcat ("[", s, closing, "]", NULL);
    assert_invalid (doc, strlen (doc), GST_RTCBOT_JSON_ERROR_TOO_DEEP,
        "line 1, column 513: ");
    g_free (doc);
    g_free (closing);
  }
  g_free (s);

  /* siblings at depth 512 do not accumulate depth */
  {
    gchar *inner = make_nested (GST_RTCBOT_JSON_MAX_DEPTH - 1, 1, TRUE);
    gchar *doc = g_strjoin (NULL, "[", inner, ",", inner, ",", inner, "]",
        NULL);

    assert_valid (doc, strlen (doc));
    g_free (doc);
    g_free (inner);
  }

  /* absurdly deep input must fail cleanly, never overflow the stack */
  s = g_strnfill (1000000, '[');
  fail_if (gst_rtcbot_json_validate (s, 1000000, &err));
  fail_unless (g_error_matches (err, GST_RTCBOT_JSON_ERROR,
          GST_RTCBOT_JSON_ERROR_TOO_DEEP));
  g_clear_error (&err);
  memset (s, '{', 1000000);
  fail_if (gst_rtcbot_json_validate (s, 1000000, &err));
  /* '{' must be followed by a key, so this is a syntax error at depth 1 */
  fail_unless (g_error_matches (err, GST_RTCBOT_JSON_ERROR,
          GST_RTCBOT_JSON_ERROR_INVALID));
  g_clear_error (&err);
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_embedded_nul)
{
  const gchar doc[] = "{\"a\":1}";
  gchar buf[16];

  /* the length is authoritative: a NUL right after a valid document is
   * trailing garbage, and the text need not be NUL-terminated */
  memcpy (buf, doc, sizeof (doc));
  assert_valid (buf, sizeof (doc) - 1);
  assert_invalid (buf, sizeof (doc), GST_RTCBOT_JSON_ERROR_INVALID,
      "line 1, column 8: unexpected data after JSON value near "
      "'{\"a\":1}\\u0000'");

  memset (buf, 'x', sizeof (buf));
  memcpy (buf, "[true]", 6);
  assert_valid (buf, 6);
  fail_unless (gst_rtcbot_json_validate (buf, 6, NULL));

  assert_invalid ("\"a\0b\"", 5, GST_RTCBOT_JSON_ERROR_INVALID,
      "line 1, column 3: unescaped control character in string near "
      "'\"a\\u0000b\"'");
}

GST_END_TEST;

GST_START_TEST (test_empty_and_null)
{
  GError *err = NULL;

  fail_if (gst_rtcbot_json_validate (NULL, 0, &err));
  fail_unless (g_error_matches (err, GST_RTCBOT_JSON_ERROR,
          GST_RTCBOT_JSON_ERROR_INVALID));
  fail_unless_equals_string (err->message,
      "line 1, column 1: unexpected end of input, expected a value near ''");
  g_clear_error (&err);

  fail_if (gst_rtcbot_json_validate ("", 0, NULL));
  fail_if (gst_rtcbot_json_validate ("{}", 0, NULL));
  fail_unless (gst_rtcbot_json_validate ("{}", 2, NULL));
  fail_unless (gst_rtcbot_json_validate ("0", 1, NULL));
}

GST_END_TEST;

static void
check_message (const gchar * data, const gchar * expected)
{
  GError *err = NULL;

  fail_if (validate_exact (data, strlen (data), &err));
  fail_unless (err != NULL);
  fail_unless_equals_string (err->message, expected);
  g_error_free (err);
}

GST_START_TEST (test_error_messages)
{
  GError *err = NULL;
  const gchar *doc;

  check_message ("{\"a\":1 \"b\":2}",
      "line 1, column 8: expected ',' or '}' after object member "
      "near '{\"a\":1 \"b\":2}'");
  check_message ("[1,]", "line 1, column 4: trailing comma before ']' "
      "near '[1,]'");
  check_message ("01", "line 1, column 2: leading zeros are not allowed in "
      "numbers near '01'");
  check_message ("\"\\uD800\"", "line 1, column 2: high surrogate \\u "
      "escape not followed by a low surrogate \\u escape near '\"\\uD800\"'");
  check_message ("[1, 2", "line 1, column 6: unexpected end of input, "
      "expected ',' or ']' after array element near '[1, 2'");
  check_message ("  \"unterminated", "line 1, column 3: unterminated "
      "string near '  \"unterminated'");

  /* error on the second line, column counted from the line start */
  doc = "{\n  \"a\" 1\n}";
  fail_if (validate_exact (doc, strlen (doc), &err));
  fail_unless (strstr (err->message, "line 2, column") != NULL,
      "message: %s", err->message);
  fail_unless (strstr (err->message, "line 2, column 7: ") != NULL,
      "message: %s", err->message);
  fail_unless (strstr (err->message, "expected ':' after object key")
      != NULL, "message: %s", err->message);
  /* the excerpt, with the newlines shown escaped */
  fail_unless (strstr (err->message, "near '{\\n  \"a\" 1\\n}'") != NULL,
      "message: %s", err->message);
  g_clear_error (&err);

  /* CRLF line ends: only '\n' counts, '\r' is a column */
  check_message ("[1,\r\n2,\r\n x]", "line 3, column 2: unexpected "
      "character, expected a value near '[1,\\r\\n2,\\r\\n x]'");

  /* columns are counted in bytes */
  check_message ("[\"\xc3\xa9\xe2\x82\xac\", x]", "line 1, column 11: "
      "unexpected character, expected a value near "
      "'[\"\xc3\xa9\xe2\x82\xac\", x]'");

  /* control characters and invalid bytes are escaped in the excerpt */
  check_message ("[1,\t\x01]", "line 1, column 5: unexpected character, "
      "expected a value near '[1,\\t\\u0001]'");
  check_message ("\"\xff\"", "line 1, column 2: invalid UTF-8 in string "
      "near '\"\\xFF\"'");
  check_message ("[\"\xc2\x85\" x]", "line 1, column 7: expected ',' or "
      "']' after array element near '[\"\\u0085\" x]'");
  check_message ("[\"\x7f\" x]", "line 1, column 6: expected ',' or "
      "']' after array element near '[\"\\u007F\" x]'");
}

GST_END_TEST;

GST_START_TEST (test_error_excerpt_window)
{
  GError *err = NULL;
  GString *s;
  const gchar *near;
  gsize excerpt_len;
  guint i, j;

  /* long input: the excerpt is a window around the error only */
  s = g_string_new ("[");
  for (i = 0; i < 50; i++)
    g_string_append (s, "1234,");
  g_string_append (s, "x, 5678, 5678, 5678]");
  fail_if (validate_exact (s->str, s->len, &err));
  fail_unless (strstr (err->message, "line 1, column 252: ") != NULL,
      "message: %s", err->message);
  near = strstr (err->message, " near '");
  fail_unless (near != NULL);
  near += strlen (" near '");
  excerpt_len = strlen (near) - 1;
  fail_unless (near[excerpt_len] == '\'');
  fail_unless (excerpt_len <= 24, "excerpt too long: %s", near);
  fail_unless (excerpt_len >= 16, "excerpt too short: %s", near);
  fail_unless_equals_string (near, ",1234,1234,1234,x, 5678,'");
  g_clear_error (&err);
  g_string_free (s, TRUE);

  /* multi-byte characters are never cut in the excerpt, whatever the
   * alignment of the window */
  for (i = 0; i < 8; i++) {
    gchar *prefix = g_strnfill (i, ' ');

    s = g_string_new (prefix);
    g_string_append (s, "[\"");
    for (j = 0; j < 20; j++)
      g_string_append (s, (j % 2) ? "\xc3\xa9" : "\xf0\x9f\x98\x80");
    g_string_append (s, "\", x, \"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
        "\xe2\x82\xac\xe2\x82\xac\"]");
    fail_if (validate_exact (s->str, s->len, &err));
    fail_unless (g_utf8_validate (err->message, -1, NULL),
        "invalid UTF-8 in message: %s", err->message);
    fail_unless (strstr (err->message, "\", x, \"\xe2\x82\xac") != NULL,
        "message: %s", err->message);
    /* no partial sequence shown as raw bytes at either end */
    fail_unless (strstr (err->message, "\\x") == NULL,
        "cut UTF-8 sequence in message: %s", err->message);
    g_clear_error (&err);
    g_string_free (s, TRUE);
    g_free (prefix);
  }

  /* error at the very end of a long input */
  s = g_string_new ("{\"key\": \"");
  for (i = 0; i < 100; i++)
    g_string_append_c (s, 'a' + (i % 26));
  fail_if (validate_exact (s->str, s->len, &err));
  fail_unless (strstr (err->message, "unterminated string") != NULL);
  fail_unless (strstr (err->message, "line 1, column 9: ") != NULL,
      "message: %s", err->message);
  g_clear_error (&err);
  g_string_free (s, TRUE);
}

GST_END_TEST;

static Suite *
rtcbotjson_suite (void)
{
  Suite *s = suite_create ("rtcbotjson");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_valid_documents);
  tcase_add_test (tc_chain, test_valid_in_containers);
  tcase_add_test (tc_chain, test_invalid_documents);
  tcase_add_test (tc_chain, test_invalid_in_containers);
  tcase_add_test (tc_chain, test_truncated_prefixes);
  tcase_add_test (tc_chain, test_depth_limit);
  tcase_add_test (tc_chain, test_embedded_nul);
  tcase_add_test (tc_chain, test_empty_and_null);
  tcase_add_test (tc_chain, test_error_messages);
  tcase_add_test (tc_chain, test_error_excerpt_window);

  return s;
}

GST_CHECK_MAIN (rtcbotjson);
