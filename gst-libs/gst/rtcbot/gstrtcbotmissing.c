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


/* What to install when an element is missing. The answer comes from
 * element-packages.txt, built into this file (tests/packages keeps it true
 * to the registry and dpkg): the Debian package and GStreamer's plugin set
 * of every element gst-rtcbot creates. For any other element the text
 * names the plugin sets to look in. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/pbutils/pbutils.h>

#include "gstrtcbotmissing.h"
#include "gstrtcbotmissingtable.h"

#define RTCBOT_PACKAGE "gstreamer1.0-rtcbot"

/* TRUE, with @factory's package and plugin set (newly allocated), when
 * @line of the table is about @factory. */
static gboolean
line_matches (const gchar * line, const gchar * factory, gchar ** package,
    gchar ** plugin_set)
{
  gchar **fields = g_strsplit_set (line, " \t", -1);
  const gchar *words[3] = { NULL, };
  guint n = 0, i;
  gboolean match;

  for (i = 0; fields[i] && n < 3; i++)
    if (*fields[i])
      words[n++] = fields[i];
  match = line[0] != '#' && n == 3 && g_str_equal (words[0], factory);
  if (match) {
    *package = g_strdup (words[1]);
    *plugin_set = g_strdup (words[2]);
  }
  g_strfreev (fields);
  return match;
}

static gboolean
lookup (const gchar * factory, gchar ** package, gchar ** plugin_set)
{
  gchar **lines = g_strsplit (GST_RTCBOT_ELEMENT_PACKAGES, "\n", -1);
  gboolean found = FALSE;
  gchar **line;

  for (line = lines; *line && !found; line++)
    found = line_matches (*line, factory, package, plugin_set);
  g_strfreev (lines);
  return found;
}

/* What to do when @factory is missing (newly allocated). */
static gchar *
remedy (const gchar * factory)
{
  gchar *package = NULL, *plugin_set = NULL, *text;

  if (!lookup (factory, &package, &plugin_set))
    return g_strdup_printf ("install the GStreamer plugin set that "
        "provides it (gst-plugins-base, -good, -bad, -ugly or gst-libav; on "
        "Debian the packages gstreamer1.0-plugins-* and gstreamer1.0-libav), "
        "then check with gst-inspect-1.0 %s", factory);
  if (g_str_equal (package, RTCBOT_PACKAGE))
    text = g_strdup_printf ("part of gst-rtcbot: install it (the Debian "
        "package %s, or meson install), or run from a build tree inside "
        "\"meson devenv -C build\"", package);
  else
    text = g_strdup_printf ("install the Debian package %s (from %s)",
        package, plugin_set);
  g_free (package);
  g_free (plugin_set);
  return text;
}

/**
 * gst_rtcbot_missing_element_text:
 * @factory: the name of an element that could not be made
 *
 * Returns: (transfer full): what a user reads: the element and what to
 * install, e.g. `element "clockoverlay" not found: install the Debian
 * package gstreamer1.0-x (from gst-plugins-base)`
 */
gchar *
gst_rtcbot_missing_element_text (const gchar * factory)
{
  gchar *what = remedy (factory);
  gchar *text = g_strdup_printf ("element \"%s\" not found: %s", factory,
      what);

  g_free (what);
  return text;
}

/**
 * gst_rtcbot_missing_elements_text:
 * @context: the context of a failed gst_parse_launch_full()
 *
 * Returns: (transfer full) (nullable): like
 * gst_rtcbot_missing_element_text(), for every element the description
 * named that is not installed (those with the same remedy together), or
 * %NULL when none was missing
 */
gchar *
gst_rtcbot_missing_elements_text (GstParseContext * context)
{
  gchar **missing = gst_parse_context_get_missing_elements (context);
  GPtrArray *remedies = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GString *text;
  guint i, j;

  if (missing == NULL || *missing == NULL) {
    g_strfreev (missing);
    g_ptr_array_unref (remedies);
    g_ptr_array_unref (names);
    return NULL;
  }
  /* names[i]: the quoted names remedies[i] is for */
  for (i = 0; missing[i]; i++) {
    gchar *what;
    guint index;

    if (g_strv_contains ((const gchar * const *) missing + i + 1, missing[i]))
      continue;                 /* named again later */
    what = remedy (missing[i]);

    if (g_ptr_array_find_with_equal_func (remedies, what, g_str_equal, &index)) {
      GString *list = g_ptr_array_index (names, index);

      g_string_append_printf (list, ", \"%s\"", missing[i]);
      g_free (what);
    } else {
      g_ptr_array_add (remedies, what);
      g_ptr_array_add (names, g_string_new (NULL));
      g_string_printf (g_ptr_array_index (names, names->len - 1),
          "\"%s\"", missing[i]);
    }
  }
  text = g_string_new (NULL);
  for (j = 0; j < remedies->len; j++) {
    GString *list = g_ptr_array_index (names, j);

    g_string_append_printf (text, "%s%s %s not found: %s",
        text->len ? "; " : "", strchr (list->str, ',') ? "elements" :
        "element", list->str, (gchar *) g_ptr_array_index (remedies, j));
    g_string_free (list, TRUE);
    names->pdata[j] = NULL;
  }
  g_strfreev (missing);
  g_ptr_array_unref (remedies);
  g_ptr_array_unref (names);
  return g_string_free (text, FALSE);
}

static GstElement *
parse (const gchar * description, gboolean bin, GstParseFlags flags,
    GError ** error)
{
  GstParseContext *context = gst_parse_context_new ();
  GError *parse_error = NULL;
  GstElement *pipeline;
  gchar *missing;

  flags |= GST_PARSE_FLAG_FATAL_ERRORS;
  pipeline = bin ? gst_parse_bin_from_description_full (description, TRUE,
      context, flags, &parse_error) : gst_parse_launch_full (description,
      context, flags, &parse_error);
  missing = gst_rtcbot_missing_elements_text (context);
  gst_parse_context_free (context);
  if (pipeline == NULL && missing) {
    g_set_error_literal (error, GST_CORE_ERROR,
        GST_CORE_ERROR_MISSING_PLUGIN, missing);
    g_clear_error (&parse_error);
  } else if (pipeline == NULL) {
    g_propagate_error (error, parse_error);
  }
  g_free (missing);
  return pipeline;
}

/**
 * gst_rtcbot_parse_launch:
 * @description: a gst-launch-1.0 description
 * @flags: #GstParseFlags besides %GST_PARSE_FLAG_FATAL_ERRORS, which is
 *   always set
 * @error: where to say why it failed
 *
 * gst_parse_launch_full() that fails on any error, with an @error that
 * says what to install when an element is missing.
 *
 * Returns: (transfer floating) (nullable): the pipeline, or the element
 * when @description names only one
 */
GstElement *
gst_rtcbot_parse_launch (const gchar * description, GstParseFlags flags,
    GError ** error)
{
  return parse (description, FALSE, flags, error);
}

/**
 * gst_rtcbot_parse_bin:
 * @description: a gst-launch-1.0 description
 * @error: where to say why it failed
 *
 * gst_parse_bin_from_description() with ghost pads for the unlinked pads,
 * failing on any error, with an @error that says what to install when an
 * element is missing.
 *
 * Returns: (transfer floating) (nullable): the bin
 */
GstElement *
gst_rtcbot_parse_bin (const gchar * description, GError ** error)
{
  return parse (description, TRUE, 0, error);
}

/**
 * gst_rtcbot_post_missing_element:
 * @self: the element that needed @factory
 * @factory: the element it could not make
 *
 * Posts GStreamer's missing-plugin message, which an application may
 * hand to gst_install_plugins_async(), then an error saying what to
 * install.
 */
void
gst_rtcbot_post_missing_element (GstElement * self, const gchar * factory)
{
  gchar *text = gst_rtcbot_missing_element_text (factory);

  gst_pb_utils_init ();
  gst_element_post_message (self,
      gst_missing_element_message_new (self, factory));
  GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN, ("%s", text), (NULL));
  g_free (text);
}

/**
 * gst_rtcbot_make_element:
 * @self: the element that needs @factory
 * @factory: the element to make
 *
 * gst_element_factory_make(), with gst_rtcbot_post_missing_element() when
 * @factory is not installed.
 *
 * Returns: (transfer floating) (nullable): the new element
 */
GstElement *
gst_rtcbot_make_element (GstElement * self, const gchar * factory)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    gst_rtcbot_post_missing_element (self, factory);
  return element;
}
