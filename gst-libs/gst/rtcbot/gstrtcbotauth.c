/* GStreamer RTCBot elements
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrtcbotauth.h"

/* TRUE when @given is @expected. The time taken depends on the length of
 * @given only, never on where the first difference is, so that a guesser
 * learns nothing from timing. */
gboolean
gst_rtcbot_auth_token_equal (const gchar * expected, const gchar * given)
{
  gsize expected_len, given_len, i;
  guint diff;

  if (expected == NULL || given == NULL)
    return FALSE;
  expected_len = strlen (expected);
  given_len = strlen (given);
  diff = expected_len != given_len;
  for (i = 0; i < given_len; i++)
    diff |= (guchar) given[i] ^ (guchar) (expected_len ?
        expected[i % expected_len] : 0);
  return diff == 0;
}

/* The token of a request: "Authorization: Bearer <token>", else the
 * `token` query parameter. */
static const gchar *
request_token (SoupServerMessage * msg, GHashTable * query, gchar ** owned)
{
  const gchar *header =
      soup_message_headers_get_one (soup_server_message_get_request_headers
      (msg), "Authorization");

  *owned = NULL;
  if (header && g_ascii_strncasecmp (header, "Bearer ", 7) == 0) {
    *owned = g_strstrip (g_strdup (header + 7));
    return *owned;
  }
  if (query)
    return g_hash_table_lookup (query, "token");
  return NULL;
}

static gboolean
origin_allowed (const gchar * origin, const gchar * allowed_origins)
{
  gchar **list = g_strsplit (allowed_origins, ",", -1);
  gboolean allowed = FALSE;
  guint i;

  for (i = 0; list[i] && !allowed; i++) {
    gchar *entry = g_strstrip (list[i]);
    gsize len = strlen (entry);

    /* "https://host/" and "https://host" name the same origin */
    if (len > 0 && entry[len - 1] == '/')
      entry[--len] = '\0';
    allowed = len > 0 && (g_str_equal (entry, "*")
        || g_ascii_strcasecmp (entry, origin) == 0);
  }
  g_strfreev (list);
  return allowed;
}

/* 0 when @msg may go on, else the HTTP status to refuse it with (401: no
 * or a wrong token, 403: an Origin not in @allowed_origins) and in @why a
 * short reason that never contains the token. */
guint
gst_rtcbot_auth_check_request (SoupServerMessage * msg, GHashTable * query,
    const gchar * token, const gchar * allowed_origins, const gchar ** why)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (allowed_origins && *allowed_origins) {
    const gchar *origin = soup_message_headers_get_one (headers, "Origin");

    /* requests without Origin are not from a browser page: the token is
     * what protects against them */
    if (origin && !origin_allowed (origin, allowed_origins)) {
      *why = "origin not allowed";
      return SOUP_STATUS_FORBIDDEN;
    }
  }
  if (token && *token) {
    gchar *owned;
    const gchar *given = request_token (msg, query, &owned);
    gboolean ok = gst_rtcbot_auth_token_equal (token, given);

    if (owned) {
      /* the copy held a secret */
      memset (owned, 0, strlen (owned));
      g_free (owned);
    }
    if (!ok) {
      *why = given ? "wrong token" : "missing token";
      return SOUP_STATUS_UNAUTHORIZED;
    }
  }
  return 0;
}

/* Answers @msg with @status and a one-line body; the connection is closed
 * afterwards, so that a refused request's body is not waited for. */
void
gst_rtcbot_auth_refuse (SoupServerMessage * msg, guint status,
    const gchar * why)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gchar *body = g_strdup_printf ("%s\n", why);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
      SOUP_MEMORY_TAKE, body, strlen (body));
}

/* From an early handler: the request body of @msg, which nothing will
 * use, is read and dropped instead of kept in memory. TRUE when there is
 * one. */
gboolean
gst_rtcbot_auth_drop_body (SoupServerMessage * msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  soup_message_body_set_accumulate (soup_server_message_get_request_body
      (msg), FALSE);
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    return soup_message_headers_get_content_length (headers) > 0;
  return encoding != SOUP_ENCODING_NONE;
}

/* tls-certificate and tls-key (PEM files) as a certificate for
 * soup_server_set_tls_certificate(); @key NULL: the key is in the
 * certificate's file. The error names the file that failed. */
GTlsCertificate *
gst_rtcbot_auth_load_certificate (const gchar * certificate,
    const gchar * key, GError ** error)
{
  GTlsCertificate *cert;
  GError *err = NULL;
  gchar *contents = NULL;

  /* read each file first, so that the error says which one is bad */
  if (!g_file_get_contents (certificate, &contents, NULL, &err))
    goto failed_certificate;
  g_clear_pointer (&contents, g_free);
  if (key && !g_file_get_contents (key, &contents, NULL, &err))
    goto failed_key;
  g_clear_pointer (&contents, g_free);

  cert = g_tls_certificate_new_from_files (certificate, key ? key :
      certificate, &err);
  if (cert == NULL)
    goto failed_pair;
  return cert;

  /* ERRORS */
failed_certificate:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Could not read the TLS certificate %s: %s", certificate, err->message);
    g_clear_error (&err);
    return NULL;
  }
failed_key:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Could not read the TLS key %s: %s", key, err->message);
    g_clear_error (&err);
    return NULL;
  }
failed_pair:
  {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "Could not load the TLS certificate %s with the key %s: %s",
        certificate, key ? key : certificate, err->message);
    g_clear_error (&err);
    return NULL;
  }
}

/* Client side: "Authorization: Bearer <token>" on @msg when @token is set. */
void
gst_rtcbot_auth_add_bearer (SoupMessage * msg, const gchar * token)
{
  gchar *value;

  if (token == NULL || *token == '\0')
    return;
  value = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", value);
  memset (value, 0, strlen (value));
  g_free (value);
}
