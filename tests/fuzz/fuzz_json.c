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

/* The strict JSON validator (gst/rtcbot/gstrtcbotjson.c), which sees every
 * message a websocket or data channel peer sends, and the excerpt shown in
 * the warning about an invalid one. Besides memory errors and UB it checks
 * what the header promises: an error exactly on failure, in its domain,
 * and printable, valid UTF-8 text in messages and excerpts. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzz.h"
#include "gstrtcbotjson.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* a critical is a caller's mistake, as a crash is: abort, so that the
   * fuzzer keeps the input */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  return 0;
}

/* valid UTF-8 without raw control characters */
static void
check_printable (const gchar * text)
{
  const guchar *p;

  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
  for (p = (const guchar *) text; *p; p++)
    FUZZ_CHECK (*p >= 0x20 && *p != 0x7f);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *text = (const gchar *) data;
  GError *error = NULL;
  gboolean valid;
  gchar *excerpt;

  valid = gst_rtcbot_json_validate (text, size, &error);
  FUZZ_CHECK (valid == (error == NULL));
  if (error) {
    FUZZ_CHECK (error->domain == GST_RTCBOT_JSON_ERROR);
    FUZZ_CHECK (g_str_has_prefix (error->message, "line "));
    check_printable (error->message);
    g_clear_error (&error);
  }
  /* without a GError, the fast path, the answer is the same */
  FUZZ_CHECK (gst_rtcbot_json_validate (text, size, NULL) == valid);
  /* an embedded NUL is never valid */
  if (valid)
    FUZZ_CHECK (memchr (text, '\0', size) == NULL);

  /* the sizes the elements use, and the whole input */
  excerpt = gst_rtcbot_json_excerpt (text, size, 32);
  check_printable (excerpt);
  g_free (excerpt);
  excerpt = gst_rtcbot_json_excerpt (text, size, size);
  check_printable (excerpt);
  g_free (excerpt);
  excerpt = gst_rtcbot_json_excerpt (text, size, 0);
  FUZZ_CHECK (strcmp (excerpt, size > 0 ? "..." : "") == 0);
  g_free (excerpt);
  return 0;
}
