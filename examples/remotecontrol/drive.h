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

#ifndef __REMOTECONTROL_DRIVE_H__
#define __REMOTECONTROL_DRIVE_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * Drive:
 *
 * Turns the input events RTCBot's browser page sends (rtcbot.Keyboard:
 * `{"type": "keydown", "code": "KeyW", ...}`, rtcbot.Gamepad:
 * `{"type": "axis1", "value": -0.5}`) into a drive command,
 * `{"forward": -1..1, "leftright": -1..1}`. Not thread-safe: one owner.
 */
typedef struct _Drive Drive;

Drive *drive_new (void);
void drive_free (Drive * drive);

gboolean drive_handle_message (Drive * drive, const gchar * text, gsize size);
gboolean drive_stop (Drive * drive);

gdouble drive_get_forward (const Drive * drive);
gdouble drive_get_leftright (const Drive * drive);
gchar *drive_command_json (const Drive * drive);

G_END_DECLS

#endif /* __REMOTECONTROL_DRIVE_H__ */
