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

#include "drive.h"

#include <string.h>
#include <json-glib/json-glib.h>

/* Directions a key or a d-pad button can hold down. */
enum
{
  HOLD_FORWARD = 1 << 0,
  HOLD_BACK = 1 << 1,
  HOLD_LEFT = 1 << 2,
  HOLD_RIGHT = 1 << 3
};

/* Keys are matched on `code` (the physical key, so W/A/S/D stay where they
 * are on any layout), else on `key`, else on the legacy `keyCode`, because
 * RTCBot's own page and older controllers send only some of them. */
static const struct
{
  const gchar *code;
  const gchar *key;
  gint key_code;
  guint hold;
} drive_keys[] = {
  {"KeyW", "w", 87, HOLD_FORWARD},
  {"ArrowUp", "ArrowUp", 38, HOLD_FORWARD},
  {"KeyS", "s", 83, HOLD_BACK},
  {"ArrowDown", "ArrowDown", 40, HOLD_BACK},
  {"KeyA", "a", 65, HOLD_LEFT},
  {"ArrowLeft", "ArrowLeft", 37, HOLD_LEFT},
  {"KeyD", "d", 68, HOLD_RIGHT},
  {"ArrowRight", "ArrowRight", 39, HOLD_RIGHT},
};

/* The standard gamepad mapping's d-pad: buttons 12 to 15. */
static const struct
{
  const gchar *type;
  guint hold;
} drive_buttons[] = {
  {"btn12", HOLD_FORWARD},
  {"btn13", HOLD_BACK},
  {"btn14", HOLD_LEFT},
  {"btn15", HOLD_RIGHT},
};

struct _Drive
{
  guint keys;                   /* HOLD_* held on the keyboard */
  guint buttons;                /* HOLD_* held on the d-pad */
  gdouble stick_forward;        /* left stick, up is positive */
  gdouble stick_leftright;      /* left stick, right is positive */
  /* the command in hundredths: exact comparison and printing */
  gint forward;
  gint leftright;
};

Drive *
drive_new (void)
{
  return g_new0 (Drive, 1);
}

void
drive_free (Drive * drive)
{
  g_free (drive);
}

static gboolean
member_number (JsonObject * object, const gchar * name, gdouble * value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
  }
}

/* A string member, or NULL when missing or of another type: the page is
 * not trusted to send well-formed events. */
static const gchar *
member_string (JsonObject * object, const gchar * name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static guint
key_hold (JsonObject * event)
{
  const gchar *code = member_string (event, "code");
  const gchar *key = member_string (event, "key");
  gdouble key_code = 0;
  guint i;

  if (!code && !key && !member_number (event, "keyCode", &key_code))
    return 0;
  for (i = 0; i < G_N_ELEMENTS (drive_keys); i++) {
    if (code ? g_str_equal (code, drive_keys[i].code)
        : key ? g_ascii_strcasecmp (key, drive_keys[i].key) == 0
        : (gint) key_code == drive_keys[i].key_code)
      return drive_keys[i].hold;
  }
  return 0;
}

static guint
button_hold (const gchar * type)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (drive_buttons); i++) {
    if (g_str_equal (type, drive_buttons[i].type))
      return drive_buttons[i].hold;
  }
  return 0;
}

static gint
to_hundredths (gdouble value)
{
  value = CLAMP (value, -1.0, 1.0);
  return (gint) (value * 100 + (value >= 0 ? 0.5 : -0.5));
}

static gdouble
held_axis (guint held, guint positive, guint negative)
{
  return ((held & positive) ? 1.0 : 0.0) - ((held & negative) ? 1.0 : 0.0);
}

/* Recomputes the command from what is held; TRUE when it changed. */
static gboolean
update_command (Drive * drive)
{
  guint held = drive->keys | drive->buttons;
  gint forward = to_hundredths (held_axis (held, HOLD_FORWARD, HOLD_BACK)
      + drive->stick_forward);
  gint leftright = to_hundredths (held_axis (held, HOLD_RIGHT, HOLD_LEFT)
      + drive->stick_leftright);
  gboolean changed = forward != drive->forward || leftright != drive->leftright;

  drive->forward = forward;
  drive->leftright = leftright;
  return changed;
}

static void
set_held (guint * held, guint hold, gboolean down)
{
  if (down)
    *held |= hold;
  else
    *held &= ~hold;
}

static gboolean
handle_event (Drive * drive, JsonObject * event)
{
  const gchar *type = member_string (event, "type");
  gdouble value = 0;

  if (type == NULL)
    return FALSE;
  if (g_str_equal (type, "keydown") || g_str_equal (type, "keyup")) {
    set_held (&drive->keys, key_hold (event), g_str_equal (type, "keydown"));
  } else if (g_str_has_prefix (type, "btn")) {
    if (!member_number (event, "value", &value))
      return FALSE;
    set_held (&drive->buttons, button_hold (type), value > 0.5);
  } else if (g_str_equal (type, "axis0")) {
    if (!member_number (event, "value", &value))
      return FALSE;
    drive->stick_leftright = value;
  } else if (g_str_equal (type, "axis1")) {
    /* browsers report the stick pushed up as -1 */
    if (!member_number (event, "value", &value))
      return FALSE;
    drive->stick_forward = -value;
  } else {
    return FALSE;
  }
  return update_command (drive);
}

/**
 * drive_handle_message:
 * @drive: the drive state
 * @text: one message from the page, JSON
 * @size: length of @text in bytes
 *
 * Applies one keyboard or gamepad event. Anything else (other keys, other
 * JSON, text that is not JSON) leaves the command as it was.
 *
 * Returns: %TRUE when the command changed
 */
gboolean
drive_handle_message (Drive * drive, const gchar * text, gsize size)
{
  JsonParser *parser = json_parser_new_immutable ();
  JsonNode *root;
  gboolean changed = FALSE;

  if (json_parser_load_from_data (parser, text, size, NULL)) {
    root = json_parser_get_root (parser);
    if (root && JSON_NODE_HOLDS_OBJECT (root))
      changed = handle_event (drive, json_node_get_object (root));
  }
  g_object_unref (parser);
  return changed;
}

/**
 * drive_stop:
 * @drive: the drive state
 *
 * Forgets every held key, button and stick position, as when the browser
 * that held them went away.
 *
 * Returns: %TRUE when the command changed
 */
gboolean
drive_stop (Drive * drive)
{
  drive->keys = drive->buttons = 0;
  drive->stick_forward = drive->stick_leftright = 0;
  return update_command (drive);
}

gdouble
drive_get_forward (const Drive * drive)
{
  return drive->forward / 100.0;
}

gdouble
drive_get_leftright (const Drive * drive)
{
  return drive->leftright / 100.0;
}

/* -1, 0.5, -0.05: no trailing zeros, no exponent, no locale. */
static void
append_hundredths (GString * out, gint value)
{
  gint magnitude = ABS (value);

  if (value < 0)
    g_string_append_c (out, '-');
  g_string_append_printf (out, "%d", magnitude / 100);
  if (magnitude % 100 == 0)
    return;
  if (magnitude % 10 == 0)
    g_string_append_printf (out, ".%d", (magnitude % 100) / 10);
  else
    g_string_append_printf (out, ".%02d", magnitude % 100);
}

/**
 * drive_command_json:
 * @drive: the drive state
 *
 * Returns: (transfer full): the command as JSON,
 *   `{"forward": 1, "leftright": -0.5}`
 */
gchar *
drive_command_json (const Drive * drive)
{
  GString *out = g_string_new ("{\"forward\": ");

  append_hundredths (out, drive->forward);
  g_string_append (out, ", \"leftright\": ");
  append_hundredths (out, drive->leftright);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
