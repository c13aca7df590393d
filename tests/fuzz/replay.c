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

/* Runs a harness over files, without libFuzzer: the normal build links
 * each harness with this, and `meson test` replays the seed corpus and the
 * inputs of past crashes. Arguments are files or directories (every file
 * in them, in name order). Each input is copied into a block of exactly its
 * size, so that ASan or valgrind see a read past its end, and runs on a
 * thread with a small stack, so that recursion as deep as the input shows
 * up with inputs of a few KiB rather than of the 1 MiB a peer may send. */

#include <pthread.h>
#include <string.h>
#include <glib.h>

#include "fuzz.h"

#define REPLAY_STACK_SIZE (256 * 1024)

typedef struct
{
  const guint8 *data;
  gsize size;
} Input;

static void *
run_input (void *user_data)
{
  Input *input = user_data;

  LLVMFuzzerTestOneInput (input->data, input->size);
  return NULL;
}

static gboolean
run_file (const gchar * path)
{
  GError *error = NULL;
  gchar *contents;
  gsize size;
  guint8 *exact;
  Input input;
  pthread_attr_t attr;
  pthread_t thread;

  if (!g_file_get_contents (path, &contents, &size, &error)) {
    fprintf (stderr, "%s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  /* malloc, not g_malloc: g_malloc (0) is NULL, libFuzzer never passes
   * NULL */
  exact = malloc (size > 0 ? size : 1);
  memcpy (exact, contents, size);
  g_free (contents);
  printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
  fflush (stdout);
  input.data = exact;
  input.size = size;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, REPLAY_STACK_SIZE);
  if (pthread_create (&thread, &attr, run_input, &input) != 0) {
    fprintf (stderr, "cannot start a thread\n");
    abort ();
  }
  pthread_join (thread, NULL);
  pthread_attr_destroy (&attr);
  free (exact);
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

int
main (int argc, char **argv)
{
  guint runs = 0;
  gint i;

  LLVMFuzzerInitialize (&argc, &argv);
  for (i = 1; i < argc; i++) {
    GError *error = NULL;
    GPtrArray *names;
    const gchar *name;
    GDir *dir;
    guint j;

    if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
      if (!run_file (argv[i]))
        return 1;
      runs++;
      continue;
    }
    dir = g_dir_open (argv[i], 0, &error);
    if (dir == NULL) {
      fprintf (stderr, "%s\n", error->message);
      g_clear_error (&error);
      return 1;
    }
    names = g_ptr_array_new_with_free_func (g_free);
    while ((name = g_dir_read_name (dir)))
      g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
    g_dir_close (dir);
    g_ptr_array_sort (names, compare_names);
    for (j = 0; j < names->len; j++) {
      if (!run_file (g_ptr_array_index (names, j))) {
        g_ptr_array_unref (names);
        return 1;
      }
      runs++;
    }
    g_ptr_array_unref (names);
  }
  if (runs == 0) {
    fprintf (stderr, "no inputs given\n");
    return 1;
  }
  printf ("%u inputs ran without a failure\n", runs);
  return 0;
}
