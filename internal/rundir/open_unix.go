//go:build unix

package rundir

import "syscall"

// openNonblock keeps the open of a FIFO that raced in after the Stat from
// waiting for a writer.
const openNonblock = syscall.O_NONBLOCK
