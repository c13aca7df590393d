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

/* Strict RFC 8259 JSON validator.
 *
 * This only answers "is this exactly one well-formed JSON value?"; it builds
 * no tree and does not allocate while scanning. Nesting is tracked with an
 * explicit bit stack (one bit per level: object or array), so arbitrarily
 * deep input can never overflow the C stack; anything deeper than
 * GST_RTCBOT_JSON_MAX_DEPTH is rejected with GST_RTCBOT_JSON_ERROR_TOO_DEEP.
 *
 * Memory is only allocated on failure, to build the GError message.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcbotjson.h"

#include <string.h>

GQuark
gst_rtcbot_json_error_quark (void)
{
  return g_quark_from_static_string ("gst-rtcbot-json-error-quark");
}

/* Bytes of context shown before the error position, and in total */
#define EXCERPT_BEFORE 16
#define EXCERPT_MAX 24

#define IS_WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* 1 for bytes that may appear unescaped inside a string and need no further
 * checking: ASCII 0x20..0x7f except '"' and '\\'. Everything else is either
 * the end of the string, an escape, a forbidden control character or the
 * start of a multi-byte UTF-8 sequence. */
static const guint8 plain_string_byte[256] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0x00 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0x10 */
  1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x20 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x30 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x40 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,       /* 0x50 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x60 */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,       /* 0x70 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0x80 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0x90 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xa0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xb0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xc0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xd0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xe0 */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,       /* 0xf0 */
};

/* Length of the well-formed UTF-8 sequence starting at p (whose first byte
 * is >= 0x80), or 0 if it is ill-formed or truncated by end. Follows table
 * 3-7 of the Unicode standard: rejects overlong forms, UTF-16 surrogates
 * (U+D800..U+DFFF) and anything above U+10FFFF. */
static inline guint
utf8_sequence_length (const guchar * p, const guchar * end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xbf;
  guint n, i;

  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0)
      lo = 0xa0;
    else if (c == 0xed)
      hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0)
      lo = 0x90;
    else if (c == 0xf4)
      hi = 0x8f;
  } else {
    return 0;
  }

  if ((gsize) (end - p) < n)
    return 0;
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (i = 2; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  }

  return n;
}

static inline gint
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Reads the 4 hex digits following "\u" at p */
static inline gboolean
read_hex4 (const guchar * p, const guchar * end, guint * out)
{
  guint v = 0;
  gint i, h;

  if (end - p < 4)
    return FALSE;

  for (i = 0; i < 4; i++) {
    h = hex_value (p[i]);
    if (h < 0)
      return FALSE;
    v = (v << 4) | (guint) h;
  }

  *out = v;
  return TRUE;
}

/* p points at the opening '"'. Returns a pointer just past the closing '"',
 * or NULL with err_at / err_msg set. */
static inline const guchar *
scan_string (const guchar * p, const guchar * end, const guchar ** err_at,
    const gchar ** err_msg)
{
  const guchar *start = p;
  guint cp, lo, n;
  guchar c;

  p++;
  for (;;) {
    while (p < end && plain_string_byte[*p])
      p++;

    if (G_UNLIKELY (p == end)) {
      *err_at = start;
      *err_msg = "unterminated string";
      return NULL;
    }

    c = *p;
    if (c == '"')
      return p + 1;

    if (c == '\\') {
      if (G_UNLIKELY (end - p < 2)) {
        *err_at = start;
        *err_msg = "unterminated string";
        return NULL;
      }
      switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          p += 2;
          break;
        case 'u':
          if (!read_hex4 (p + 2, end, &cp)) {
            *err_at = p;
            *err_msg = "invalid \\u escape, expected 4 hex digits";
            return NULL;
          }
          if (cp >= 0xd800 && cp <= 0xdbff) {
            /* high surrogate: must be followed by an escaped low one */
            if (end - p < 12 || p[6] != '\\' || p[7] != 'u'
                || !read_hex4 (p + 8, end, &lo) || lo < 0xdc00 || lo > 0xdfff) {
              *err_at = p;
              *err_msg = "high surrogate \\u escape not followed by a low "
                  "surrogate \\u escape";
              return NULL;
            }
            p += 12;
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            *err_at = p;
            *err_msg = "unpaired low surrogate \\u escape";
            return NULL;
          } else {
            p += 6;
          }
          break;
        default:
          *err_at = p;
          *err_msg = "invalid escape sequence in string";
          return NULL;
      }
      continue;
    }

    if (c < 0x20) {
      *err_at = p;
      *err_msg = "unescaped control character in string";
      return NULL;
    }

    /* c >= 0x80 */
    n = utf8_sequence_length (p, end);
    if (G_UNLIKELY (n == 0)) {
      *err_at = p;
      *err_msg = "invalid UTF-8 in string";
      return NULL;
    }
    p += n;
  }
}

/* Appends a printable, valid UTF-8 rendering of the input around pos */
static void
append_excerpt (GString * out, const guchar * data, gsize len, gsize pos)
{
  gsize start, stop, i;
  guint n;
  guchar c;

  start = pos > EXCERPT_BEFORE ? pos - EXCERPT_BEFORE : 0;
  stop = MIN (len, start + EXCERPT_MAX);

  /* don't begin or end in the middle of a UTF-8 sequence */
  while (start > 0 && start < pos && (data[start] & 0xc0) == 0x80)
    start++;
  while (stop < len && stop > pos && (data[stop] & 0xc0) == 0x80)
    stop--;

  i = start;
  while (i < stop) {
    c = data[i];

    if (c < 0x80) {
      switch (c) {
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_c (out, c);
          break;
      }
      i++;
      continue;
    }

    n = utf8_sequence_length (data + i, data + stop);
    if (n == 0) {
      /* not UTF-8: show the raw byte value */
      g_string_append_printf (out, "\\x%02X", c);
      i++;
    } else if (n == 2 && c == 0xc2 && data[i + 1] < 0xa0) {
      /* C1 control character U+0080..U+009F */
      g_string_append_printf (out, "\\u%04X", data[i + 1]);
      i += 2;
    } else {
      g_string_append_len (out, (const gchar *) data + i, n);
      i += n;
    }
  }
}

static gboolean
set_error (GError ** error, GstRtcbotJsonError code, const guchar * data,
    gsize len, gsize pos, const gchar * msg)
{
  GString *excerpt;
  gsize line = 1, line_start = 0, i;

  if (error == NULL)
    return FALSE;

  for (i = 0; i < pos; i++) {
    if (data[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  }

  excerpt = g_string_sized_new (2 * EXCERPT_MAX);
  append_excerpt (excerpt, data, len, pos);

  g_set_error (error, GST_RTCBOT_JSON_ERROR, code,
      "line %" G_GSIZE_FORMAT ", column %" G_GSIZE_FORMAT ": %s near '%s'",
      line, pos - line_start + 1, msg, excerpt->str);

  g_string_free (excerpt, TRUE);

  return FALSE;
}

/* Message for a byte that cannot start a value */
static const gchar *
describe_bad_value_start (const guchar * p, const guchar * end,
    const guchar * data)
{
  switch (*p) {
    case '\'':
      return "single-quoted strings are not allowed, expected a value";
    case '/':
      return "comments are not allowed, expected a value";
    case '+':
      return "numbers must not start with '+'";
    case '.':
      return "numbers must start with a digit";
    case ',':
      return "unexpected ',', expected a value";
    case ']':
      return "unexpected ']', expected a value";
    case '}':
      return "unexpected '}', expected a value";
    case ':':
      return "unexpected ':', expected a value";
    case '\0':
      return "unexpected NUL byte, expected a value";
    case 0xef:
      if (p == data && end - p >= 3 && p[1] == 0xbb && p[2] == 0xbf)
        return "byte order mark is not allowed";
      break;
    default:
      break;
  }

  return "unexpected character, expected a value";
}

/**
 * gst_rtcbot_json_validate:
 * @data: (array length=len): the JSON text, not necessarily NUL-terminated
 * @len: length of @data in bytes
 * @error: (optional): return location for a #GError
 *
 * Checks that @data is exactly one valid RFC 8259 JSON value, optionally
 * surrounded by whitespace. Any JSON type is accepted at the top level.
 * Strings must be well-formed UTF-8, surrogate \u escapes must be correctly
 * paired, and at most %GST_RTCBOT_JSON_MAX_DEPTH arrays/objects may be
 * nested.
 *
 * On failure @error is set in the %GST_RTCBOT_JSON_ERROR domain with a
 * message of the form "line L, column C: what near 'excerpt'"; lines are
 * counted by '\n' and columns are byte offsets, both starting at 1.
 *
 * Returns: %TRUE if @data is valid JSON.
 */
gboolean
gst_rtcbot_json_validate (const gchar * data, gsize len, GError ** error)
{
  /* one bit per nesting level: 1 = object, 0 = array */
  guint8 stack[(GST_RTCBOT_JSON_MAX_DEPTH + 7) / 8];
  guint depth = 0;
  const guchar *d, *p, *end;
  const guchar *err_at;
  const gchar *err_msg;
  GstRtcbotJsonError err_code = GST_RTCBOT_JSON_ERROR_INVALID;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  d = data != NULL ? (const guchar *) data : (const guchar *) "";
  p = d;
  end = d + len;

#define FAIL(at, msg) G_STMT_START {            \
    err_at = (at);                              \
    err_msg = (msg);                            \
    goto fail;                                  \
  } G_STMT_END
#define TOP_IS_OBJECT() \
    (stack[(depth - 1) >> 3] & (1u << ((depth - 1) & 7)))

value:
  while (p < end && IS_WS (*p))
    p++;
  if (G_UNLIKELY (p == end))
    FAIL (p, "unexpected end of input, expected a value");

  switch (*p) {
    case '{':
      if (G_UNLIKELY (depth == GST_RTCBOT_JSON_MAX_DEPTH)) {
        err_code = GST_RTCBOT_JSON_ERROR_TOO_DEEP;
        FAIL (p, "more than " G_STRINGIFY (GST_RTCBOT_JSON_MAX_DEPTH)
            " nested arrays/objects");
      }
      stack[depth >> 3] |= (guint8) (1u << (depth & 7));
      depth++;
      p++;
      while (p < end && IS_WS (*p))
        p++;
      if (p < end && *p == '}') {
        p++;
        depth--;
        goto after_value;
      }
      goto member_key;

    case '[':
      if (G_UNLIKELY (depth == GST_RTCBOT_JSON_MAX_DEPTH)) {
        err_code = GST_RTCBOT_JSON_ERROR_TOO_DEEP;
        FAIL (p, "more than " G_STRINGIFY (GST_RTCBOT_JSON_MAX_DEPTH)
            " nested arrays/objects");
      }
      stack[depth >> 3] &= (guint8) ~ (1u << (depth & 7));
      depth++;
      p++;
      while (p < end && IS_WS (*p))
        p++;
      if (p < end && *p == ']') {
        p++;
        depth--;
        goto after_value;
      }
      goto value;

    case '"':
      p = scan_string (p, end, &err_at, &err_msg);
      if (G_UNLIKELY (p == NULL))
        goto fail;
      goto after_value;

    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      /* -? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)? */
      if (*p == '-') {
        p++;
        if (p == end || !IS_DIGIT (*p))
          FAIL (p, "expected digit after '-'");
      }
      if (*p == '0') {
        p++;
        if (p < end && IS_DIGIT (*p))
          FAIL (p, "leading zeros are not allowed in numbers");
      } else {
        while (p < end && IS_DIGIT (*p))
          p++;
      }
      if (p < end && *p == '.') {
        p++;
        if (p == end || !IS_DIGIT (*p))
          FAIL (p, "expected digit after decimal point");
        while (p < end && IS_DIGIT (*p))
          p++;
      }
      if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
          p++;
        if (p == end || !IS_DIGIT (*p))
          FAIL (p, "expected digit in exponent");
        while (p < end && IS_DIGIT (*p))
          p++;
      }
      goto after_value;

    case 't':
      if (end - p >= 4 && memcmp (p, "true", 4) == 0) {
        p += 4;
        goto after_value;
      }
      FAIL (p, "invalid literal, expected 'true'");

    case 'f':
      if (end - p >= 5 && memcmp (p, "false", 5) == 0) {
        p += 5;
        goto after_value;
      }
      FAIL (p, "invalid literal, expected 'false'");

    case 'n':
      if (end - p >= 4 && memcmp (p, "null", 4) == 0) {
        p += 4;
        goto after_value;
      }
      FAIL (p, "invalid literal, expected 'null'");

    default:
      FAIL (p, describe_bad_value_start (p, end, d));
  }

member_key:
  /* whitespace has already been skipped */
  if (G_UNLIKELY (p == end))
    FAIL (p, "unexpected end of input, expected string key");
  if (G_UNLIKELY (*p != '"')) {
    if (*p == '\'')
      FAIL (p, "single-quoted strings are not allowed, expected string key");
    if (*p == '/')
      FAIL (p, "comments are not allowed, expected string key");
    FAIL (p, "expected string key");
  }
  p = scan_string (p, end, &err_at, &err_msg);
  if (G_UNLIKELY (p == NULL))
    goto fail;
  while (p < end && IS_WS (*p))
    p++;
  if (G_UNLIKELY (p == end || *p != ':'))
    FAIL (p, "expected ':' after object key");
  p++;
  goto value;

after_value:
  while (p < end && IS_WS (*p))
    p++;

  if (depth == 0) {
    if (G_UNLIKELY (p != end)) {
      if (*p == '/')
        FAIL (p, "comments are not allowed, expected end of input");
      FAIL (p, "unexpected data after JSON value");
    }
    return TRUE;
  }

  if (TOP_IS_OBJECT ()) {
    if (G_LIKELY (p < end)) {
      if (*p == ',') {
        p++;
        while (p < end && IS_WS (*p))
          p++;
        if (G_UNLIKELY (p < end && *p == '}'))
          FAIL (p, "trailing comma before '}'");
        goto member_key;
      }
      if (*p == '}') {
        p++;
        depth--;
        goto after_value;
      }
      FAIL (p, "expected ',' or '}' after object member");
    }
    FAIL (p, "unexpected end of input, expected ',' or '}' after object "
        "member");
  } else {
    if (G_LIKELY (p < end)) {
      if (*p == ',') {
        p++;
        while (p < end && IS_WS (*p))
          p++;
        if (G_UNLIKELY (p < end && *p == ']'))
          FAIL (p, "trailing comma before ']'");
        goto value;
      }
      if (*p == ']') {
        p++;
        depth--;
        goto after_value;
      }
      FAIL (p, "expected ',' or ']' after array element");
    }
    FAIL (p, "unexpected end of input, expected ',' or ']' after array "
        "element");
  }

#undef FAIL
#undef TOP_IS_OBJECT

fail:
  return set_error (error, err_code, d, len, (gsize) (err_at - d), err_msg);
}

/**
 * gst_rtcbot_json_excerpt:
 * @data: a received message
 * @size: its size in bytes
 * @max: most bytes of @data to show
 *
 * A short, printable excerpt of a message for a warning: cut on a UTF-8
 * character boundary, control characters escaped, "..." when cut.
 *
 * Returns: (transfer full): the excerpt
 */
gchar *
gst_rtcbot_json_excerpt (const gchar * data, gsize size, gsize max)
{
  GString *s = g_string_new (NULL);
  gsize len = MIN (size, max);
  const gchar *end;
  const gchar *p;

  /* cut on a character boundary; stop at the first invalid byte */
  g_utf8_validate_len (data, len, &end);
  for (p = data; p < end; p++) {
    guchar c = *p;

    if (c == '\n')
      g_string_append (s, "\\n");
    else if (c == '\t')
      g_string_append (s, "\\t");
    else if (c == '\r')
      g_string_append (s, "\\r");
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf (s, "\\u%04x", c);
    else
      g_string_append_c (s, c);
  }
  if ((gsize) (end - data) < size)
    g_string_append (s, "...");
  return g_string_free (s, FALSE);
}
