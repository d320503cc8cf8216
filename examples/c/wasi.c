/* wasi.c: runs a WASI command (wasi_guest.c) with wasmscope.h.
 *
 *   wasi PATH/wasi_guest.wasm [HOST_DIR::GUEST_DIR]
 *
 * Gives the program arguments, one environment variable and a preopened directory: the one on
 * the command line (in `wasmscope run --dir` form) or, without one, a temporary directory the
 * example makes and maps to /sandbox. The guest's stdout goes to a file the host reads back.
 * The guest reads input.txt in that directory, writes output.txt, and exits with status 7,
 * which wasmscope_wasi_run returns. The example removes the files and the directory it made. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fileno */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wasm.h>
#include <wasmscope.h>

#include "example.h"

enum { kExpectedStatus = 7 };

/* Writes {text} to {path}; false (with a message) if it cannot. */
static bool write_text(const char* path, const char* text) {
  FILE* file = fopen(path, "w");
  if (file == NULL || fputs(text, file) == EOF || fclose(file) != 0) {
    perror(path);
    return false;
  }
  return true;
}

/* Reads up to {size} - 1 bytes of {file} from its start into {buffer}, NUL-terminated. */
static void read_back(FILE* file, char* buffer, size_t size) {
  size_t n = 0;
  if (file != NULL && fseek(file, 0, SEEK_SET) == 0) n = fread(buffer, 1, size - 1, file);
  buffer[n] = '\0';
}

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s PATH/wasi_guest.wasm [HOST_DIR::GUEST_DIR]\n", argv[0]);
    return 2;
  }
  int status = 1;
  char temp_dir[512];
  bool made_temp_dir = false;
  char host_dir[512];
  const char* guest_dir = "/sandbox";
  char input_path[600] = "", output_path[600] = "";
  FILE* guest_stdout = NULL;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  wasmscope_wasi_config_t* config = NULL;
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  char message[512];

  /* The directory: HOST::GUEST from the command line, or a fresh temporary one. */
  if (argc == 3) {
    const char* separator = strstr(argv[2], "::");
    size_t host_length = separator ? (size_t)(separator - argv[2]) : strlen(argv[2]);
    snprintf(host_dir, sizeof host_dir, "%.*s", (int)host_length, argv[2]);
    guest_dir = separator ? separator + 2 : argv[2];
  } else {
    example_temp_template(temp_dir, sizeof temp_dir, "wasmscope-wasi-example");
    if (mkdtemp(temp_dir) == NULL) {
      perror("mkdtemp");
      goto done;
    }
    made_temp_dir = true;
    snprintf(host_dir, sizeof host_dir, "%s", temp_dir);
  }
  snprintf(input_path, sizeof input_path, "%s/input.txt", host_dir);
  snprintf(output_path, sizeof output_path, "%s/output.txt", host_dir);
  if (!write_text(input_path, "a line the host wrote\n")) goto done;
  guest_stdout = tmpfile();
  if (guest_stdout == NULL) {
    perror("tmpfile");
    goto done;
  }

  module = example_load_module(store, argv[1]);
  if (module == NULL) goto done;

  /* What the program starts with. wasmscope_wasi_new copies the configuration. */
  config = wasmscope_wasi_config_new();
  const char* const guest_argv[] = {"wasi_guest", guest_dir, "7"};
  bool configured = wasmscope_wasi_config_set_args(config, 3, guest_argv) &&
                    wasmscope_wasi_config_add_env(config, "GREETING", "Hello from the host") &&
                    wasmscope_wasi_config_set_stdio(config, -1, fileno(guest_stdout), -1);
  if (configured && argc == 3)
    configured = wasmscope_wasi_config_preopen(config, argv[2]);
  else if (configured)
    configured = wasmscope_wasi_config_preopen_dir(config, host_dir, guest_dir);
  if (!configured) {
    fprintf(stderr, "wasi: FAIL: configuring WASI: %s\n", wasmscope_last_error());
    goto done;
  }
  printf("wasi: %s preopened as %s\n", host_dir, guest_dir);

  /* The program's state lives in the store (no delete); WASI imports are filled in for us. */
  wasmscope_wasi_t* wasi = wasmscope_wasi_new(store, config);
  if (wasi == NULL) {
    fprintf(stderr, "wasi: FAIL: wasmscope_wasi_new: %s\n", wasmscope_last_error());
    goto done;
  }
  instance = wasmscope_wasi_instantiate(wasi, module, NULL, &trap);
  if (instance == NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "wasi: FAIL: cannot instantiate: %s\n", message);
    goto done;
  }

  /* _start runs to its end; the guest's exit status comes back. */
  int exit_status = wasmscope_wasi_run(wasi, instance, &trap);
  if (exit_status < 0) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "wasi: FAIL: the program trapped: %s\n", message);
    goto done;
  }
  printf("wasi: the program exited with status %d\n", exit_status);
  uint32_t proc_exit_status = 0;
  if (exit_status != kExpectedStatus || !wasmscope_wasi_exit_status(wasi, &proc_exit_status) ||
      proc_exit_status != kExpectedStatus) {
    fprintf(stderr, "wasi: FAIL: expected exit status %d (proc_exit %u)\n", kExpectedStatus,
            (unsigned)proc_exit_status);
    goto done;
  }

  /* What the guest printed, and the file it wrote. */
  char text[512];
  read_back(guest_stdout, text, sizeof text);
  printf("wasi: the guest printed: %s", text);
  if (strstr(text, "guest: read \"a line the host wrote\"") == NULL) {
    fprintf(stderr, "wasi: FAIL: unexpected guest output\n");
    goto done;
  }
  FILE* output = fopen(output_path, "r");
  read_back(output, text, sizeof text);
  if (output != NULL) fclose(output);
  printf("wasi: output.txt: %s", text);
  if (strcmp(text, "Hello from the host, a line the host wrote\n") != 0) {
    fprintf(stderr, "wasi: FAIL: unexpected output.txt\n");
    goto done;
  }
  printf("wasi: ok\n");
  status = 0;

done:
  if (guest_stdout != NULL) fclose(guest_stdout);
  if (input_path[0] != '\0') remove(input_path);
  if (output_path[0] != '\0') remove(output_path);
  if (made_temp_dir) rmdir(temp_dir);
  wasm_trap_delete(trap);
  wasm_instance_delete(instance);
  wasmscope_wasi_config_delete(config);
  wasm_module_delete(module);
  wasm_store_delete(store); /* the WASI program's state goes with it */
  wasm_engine_delete(engine);
  return status;
}
