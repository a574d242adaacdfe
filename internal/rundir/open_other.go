//go:build !unix

package rundir

const openNonblock = 0
