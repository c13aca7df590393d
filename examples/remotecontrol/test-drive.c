/* gst-rtcbot example
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

/* Unit tests of the remote-control demo's input-to-command mapping. */

#include <string.h>
#include "drive.h"

static gboolean
send_event (Drive * drive, const gchar * json)
{
  return drive_handle_message (drive, json, strlen (json));
}

static void
assert_command (Drive * drive, const gchar * expected)
{
  gchar *json = drive_command_json (drive);

  g_assert_cmpstr (json, ==, expected);
  g_free (json);
}

static void
test_keys (void)
{
  Drive *drive = drive_new ();

  assert_command (drive, "{\"forward\": 0, \"leftright\": 0}");
  g_assert_true (send_event (drive,
          "{\"type\": \"keydown\", \"key\": \"w\", \"code\": \"KeyW\", "
          "\"keyCode\": 87, \"repeat\": false}"));
  assert_command (drive, "{\"forward\": 1, \"leftright\": 0}");
  g_assert_true (send_event (drive,
          "{\"type\": \"keydown\", \"code\": \"ArrowLeft\"}"));
  assert_command (drive, "{\"forward\": 1, \"leftright\": -1}");
  /* the same key again changes nothing */
  g_assert_false (send_event (drive,
          "{\"type\": \"keydown\", \"code\": \"KeyW\"}"));
  /* W and S together cancel out */
  g_assert_true (send_event (drive,
          "{\"type\": \"keydown\", \"code\": \"KeyS\"}"));
  assert_command (drive, "{\"forward\": 0, \"leftright\": -1}");
  g_assert_true (send_event (drive,
          "{\"type\": \"keyup\", \"code\": \"KeyW\"}"));
  assert_command (drive, "{\"forward\": -1, \"leftright\": -1}");
  g_assert_true (send_event (drive,
          "{\"type\": \"keyup\", \"code\": \"KeyS\"}"));
  g_assert_true (send_event (drive,
          "{\"type\": \"keyup\", \"code\": \"ArrowLeft\"}"));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 0}");
  drive_free (drive);
}

/* Pages that send only `key` or only the legacy `keyCode` drive too; a
 * `code` wins over `key` (W/A/S/D by position on any layout). */
static void
test_key_fallbacks (void)
{
  Drive *drive = drive_new ();

  g_assert_true (send_event (drive, "{\"type\": \"keydown\", \"key\": \"D\"}"));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 1}");
  g_assert_true (send_event (drive,
          "{\"type\": \"keydown\", \"keyCode\": 40}"));
  assert_command (drive, "{\"forward\": -1, \"leftright\": 1}");
  g_assert_false (send_event (drive,
          "{\"type\": \"keydown\", \"key\": \"w\", \"code\": \"KeyZ\"}"));
  g_assert_false (send_event (drive,
          "{\"type\": \"keydown\", \"code\": \"Space\"}"));
  assert_command (drive, "{\"forward\": -1, \"leftright\": 1}");
  drive_free (drive);
}

static void
test_gamepad (void)
{
  Drive *drive = drive_new ();

  /* the stick pushed up reads -0.5 on axis 1 */
  g_assert_true (send_event (drive, "{\"type\": \"axis1\", \"value\": -0.5}"));
  g_assert_true (send_event (drive, "{\"type\": \"axis0\", \"value\": 0.25}"));
  assert_command (drive, "{\"forward\": 0.5, \"leftright\": 0.25}");
  g_assert_cmpfloat (drive_get_forward (drive), ==, 0.5);
  g_assert_cmpfloat (drive_get_leftright (drive), ==, 0.25);
  /* keys and stick add up, within -1..1 */
  g_assert_true (send_event (drive, "{\"type\": \"keydown\", \"code\": "
          "\"ArrowUp\"}"));
  assert_command (drive, "{\"forward\": 1, \"leftright\": 0.25}");
  g_assert_true (send_event (drive, "{\"type\": \"axis0\", \"value\": -0.05}"));
  assert_command (drive, "{\"forward\": 1, \"leftright\": -0.05}");
  /* the key alone still holds forward at 1 */
  g_assert_false (send_event (drive, "{\"type\": \"axis1\", \"value\": 0}"));
  g_assert_true (send_event (drive, "{\"type\": \"axis0\", \"value\": 0}"));
  g_assert_true (send_event (drive, "{\"type\": \"keyup\", \"code\": "
          "\"ArrowUp\"}"));
  /* the d-pad of the standard mapping: buttons 12 (up) to 15 (right) */
  g_assert_true (send_event (drive, "{\"type\": \"btn15\", \"value\": 1}"));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 1}");
  g_assert_false (send_event (drive, "{\"type\": \"btn0\", \"value\": 1}"));
  g_assert_true (send_event (drive, "{\"type\": \"btn15\", \"value\": 0}"));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 0}");
  drive_free (drive);
}

static void
test_stop (void)
{
  Drive *drive = drive_new ();

  g_assert_false (drive_stop (drive));
  send_event (drive, "{\"type\": \"keydown\", \"code\": \"KeyW\"}");
  send_event (drive, "{\"type\": \"axis0\", \"value\": 0.7}");
  g_assert_true (drive_stop (drive));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 0}");
  /* the key that was held is forgotten: its keyup changes nothing */
  g_assert_false (send_event (drive, "{\"type\": \"keyup\", \"code\": "
          "\"KeyW\"}"));
  drive_free (drive);
}

/* Whatever the page sends that is not an input event is ignored. */
static void
test_ignored (void)
{
  static const gchar *const ignored[] = {
    "not json", "", "[1, 2]", "42", "{}", "{\"type\": 5}",
    "{\"type\": {\"a\": 1}, \"code\": \"KeyW\"}",
    "{\"type\": \"keydown\", \"code\": 87}",
    "{\"type\": \"keydown\", \"code\": null, \"key\": [\"w\"]}",
    "{\"type\": \"axis0\", \"value\": \"1\"}",
    "{\"type\": \"axis1\"}",
    "{\"type\": \"btn12\", \"value\": true}",
    "{\"forward\": 1, \"leftright\": 1}",
  };
  Drive *drive = drive_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ignored); i++)
    g_assert_false (send_event (drive, ignored[i]));
  assert_command (drive, "{\"forward\": 0, \"leftright\": 0}");
  drive_free (drive);
}

/* Values are clamped and printed without exponent or locale. */
static void
test_format (void)
{
  Drive *drive = drive_new ();

  send_event (drive, "{\"type\": \"axis1\", \"value\": 7.5}");
  send_event (drive, "{\"type\": \"axis0\", \"value\": 0.104}");
  assert_command (drive, "{\"forward\": -1, \"leftright\": 0.1}");
  send_event (drive, "{\"type\": \"axis0\", \"value\": -0.996}");
  assert_command (drive, "{\"forward\": -1, \"leftright\": -1}");
  send_event (drive, "{\"type\": \"axis0\", \"value\": 1e-9}");
  assert_command (drive, "{\"forward\": -1, \"leftright\": 0}");
  drive_free (drive);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drive/keys", test_keys);
  g_test_add_func ("/drive/key-fallbacks", test_key_fallbacks);
  g_test_add_func ("/drive/gamepad", test_gamepad);
  g_test_add_func ("/drive/stop", test_stop);
  g_test_add_func ("/drive/ignored", test_ignored);
  g_test_add_func ("/drive/format", test_format);
  return g_test_run ();
}
