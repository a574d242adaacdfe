#include "textflag.h"

// func addChain(n int) int
//
// n iterations of 16 ADDQs that each depend on the one before: one cycle
// apiece on every x86 core since the Pentium, so the loop takes 16·n cycles
// (the counter's DECQ/JNZ run beside the chain).
TEXT ·addChain(SB), NOSPLIT, $0-16
	MOVQ n+0(FP), CX
	XORQ AX, AX
loop:
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	ADDQ $1, AX
	DECQ CX
	JNZ  loop
	MOVQ AX, ret+8(FP)
	RET

// func fmaThroughput(n int)
//
// n iterations of 12 independent VFMADD231PD chains (4 doubles each): with
// two FMA pipes and a latency of at most 6 cycles they run at the pipes'
// rate, 2 FMAs a cycle, so this measures peak double-precision FLOP/s.
TEXT ·fmaThroughput(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
floop:
	VFMADD231PD Y12, Y13, Y0
	VFMADD231PD Y12, Y13, Y1
	VFMADD231PD Y12, Y13, Y2
	VFMADD231PD Y12, Y13, Y3
	VFMADD231PD Y12, Y13, Y4
	VFMADD231PD Y12, Y13, Y5
	VFMADD231PD Y12, Y13, Y6
	VFMADD231PD Y12, Y13, Y7
	VFMADD231PD Y12, Y13, Y8
	VFMADD231PD Y12, Y13, Y9
	VFMADD231PD Y12, Y13, Y10
	VFMADD231PD Y12, Y13, Y11
	DECQ CX
	JNZ  floop
	VZEROUPPER
	RET

// func fmaLatency(n int)
//
// n iterations of 4 VFMADD231PDs each depending on the one before.
TEXT ·fmaLatency(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
lloop:
	VFMADD231PD Y12, Y13, Y0
	VFMADD231PD Y12, Y13, Y0
	VFMADD231PD Y12, Y13, Y0
	VFMADD231PD Y12, Y13, Y0
	DECQ CX
	JNZ  lloop
	VZEROUPPER
	RET
