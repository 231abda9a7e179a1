// wsrepro's driver protocol for the Go drivers (clients/DRIVER-PROTOCOL.md): one JSON event per
// line on stdout, stamped with CLOCK_MONOTONIC (the harness's clock; Go's time.Now() does not
// expose its monotonic reading), written whole at once; and the WSREPRO_* settings. Built into
// each driver's environment beside the driver's own main.go (clients/go/LIBRARY/).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

var emitMutex sync.Mutex

func monotonicSeconds() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}

// emit prints one event; fields are its attributes.
func emit(event string, fields map[string]any) {
	line := map[string]any{"event": event, "t": monotonicSeconds()}
	for k, v := range fields {
		line[k] = v
	}
	data, err := json.Marshal(line)
	if err != nil {
		return
	}
	emitMutex.Lock()
	defer emitMutex.Unlock()
	// One write per line: a driver killed at the deadline keeps every line it printed.
	_, _ = os.Stdout.Write(append(data, '\n'))
}

// setting is a WSREPRO_*_MS duration, and whether the scenario set it.
func setting(name string) (time.Duration, bool) {
	value := os.Getenv(name)
	if value == "" {
		return 0, false
	}
	ms, err := strconv.ParseInt(value, 10, 64)
	if err != nil || ms < 0 {
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}

// unsupportedSetting says the library has no option for a setting the scenario set; the driver
// goes on with the library's default.
func unsupportedSetting(name, message string) {
	if _, given := setting(name); given {
		emit("unsupported_setting", map[string]any{"setting": name, "message": message})
	}
}

func normalClose(code int) bool { return code == 1000 || code == 1001 || code == 1005 }

func errorFields(err error, call string) map[string]any {
	return map[string]any{"type": errorType(err), "message": err.Error(), "call": call}
}

func errorType(err error) string { return fmt.Sprintf("%T", err) }

// moduleVersion is the version of the module the driver was built with ("v1.5.3").
func moduleVersion(module string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module {
				return dep.Version
			}
		}
	}
	return "unknown"
}

// driverMain runs a driver on its URL argument; `--versions` prints the library's version and
// then the runtime's, as the environment's probe wants them.
func driverMain(module string, run func(url string) int) {
	if len(os.Args) == 2 && os.Args[1] == "--versions" {
		fmt.Println(strings.TrimPrefix(moduleVersion(module), "v"))
		fmt.Println(runtime.Version())
		return
	}
	if len(os.Args) != 2 {
		emit("error", map[string]any{"type": "usage", "message": "driver URL"})
		os.Exit(2)
	}
	os.Exit(run(os.Args[1]))
}
