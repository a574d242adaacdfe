//go:build !purego

#include "textflag.h"

// func tanhGradAVX(d, y *float64, n int)
//
// d[i] *= 1 − y[i]² for n a positive multiple of 4, as d − d·y², which
// needs one multiply and one fused multiply-add.
TEXT ·tanhGradAVX(SB), NOSPLIT, $0-24
	MOVQ d+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $2, CX

loop:
	VMOVUPD (SI), Y0
	VMULPD Y0, Y0, Y0
	VMOVUPD (DI), Y1
	VFNMADD231PD Y0, Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func colSumAVX(dst, x *float64, n, p int)
//
// dst[j] += Σ_r x[r*p+j] for the n×p row-major x, p a positive multiple of
// 8 and n ≥ 1: the bias gradient of a dense layer. Each column is summed
// row by row from dst[j], in that order whatever the blocking, so the bits
// are the Go loop's. Thirty-two columns at a time (eight accumulators)
// while they last: a column's additions depend on each other (latency 3
// cycles), and eight chains keep both adders busy where two left them
// waiting.
TEXT ·colSumAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), BX
	MOVQ p+24(FP), R8
	SHLQ $3, R8
	MOVQ R8, R9
	SHRQ $6, R9 // column blocks of 8

wide:
	CMPQ R9, $4
	JLT  block
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD 128(DI), Y4
	VMOVUPD 160(DI), Y5
	VMOVUPD 192(DI), Y6
	VMOVUPD 224(DI), Y7
	MOVQ BX, SI
	MOVQ n+16(FP), CX

rows32:
	VADDPD (SI), Y0, Y0
	VADDPD 32(SI), Y1, Y1
	VADDPD 64(SI), Y2, Y2
	VADDPD 96(SI), Y3, Y3
	VADDPD 128(SI), Y4, Y4
	VADDPD 160(SI), Y5, Y5
	VADDPD 192(SI), Y6, Y6
	VADDPD 224(SI), Y7, Y7
	ADDQ R8, SI
	DECQ CX
	JNZ  rows32
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	ADDQ $256, DI
	ADDQ $256, BX
	SUBQ $4, R9
	JMP  wide

block:
	TESTQ R9, R9
	JZ    done
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	MOVQ BX, SI
	MOVQ n+16(FP), CX

rows:
	VADDPD (SI), Y0, Y0
	VADDPD 32(SI), Y1, Y1
	ADDQ R8, SI
	DECQ CX
	JNZ  rows
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, BX
	DECQ R9
	JMP  block

done:
	VZEROUPPER
	RET

// func dotRowsAVX(c, a, bt *float64, m, k, p int)
//
// c[r*p+o] += Σ_j a[r*k+j]·bt[o*k+j] for r < m, o < p, with k a positive
// multiple of 8: a layer with a few outputs, each a dot product of an
// input row with a row of the transposed weights.
TEXT ·dotRowsAVX(SB), NOSPLIT, $0-48
	MOVQ c+0(FP), DX
	MOVQ a+8(FP), R8
	MOVQ m+24(FP), R10
	MOVQ k+32(FP), R11
	SHLQ $3, R11 // row length in bytes
	MOVQ R11, R12
	SHRQ $6, R12 // chunks of 8

row:
	MOVQ bt+16(FP), R9
	MOVQ p+40(FP), R13

col:
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	MOVQ R8, SI
	MOVQ R9, DI
	MOVQ R12, CX

chunk:
	VMOVUPD (SI), Y2
	VFMADD231PD (DI), Y2, Y0
	VMOVUPD 32(SI), Y3
	VFMADD231PD 32(DI), Y3, Y1
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  chunk

	VADDPD Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VADDSD X1, X0, X0
	VADDSD (DX), X0, X0
	VMOVSD X0, (DX)
	ADDQ $8, DX
	ADDQ R11, R9
	DECQ R13
	JNZ  col

	ADDQ R11, R8
	DECQ R10
	JNZ  row
	VZEROUPPER
	RET

// func scaleAVX(x *float64, n int, k float64)
//
// x[i] *= k for n a positive multiple of 4: one rounded product each, the
// same bits as the Go loop, sixteen values per iteration while they last.
TEXT ·scaleAVX(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSD k+16(FP), Y4
	MOVQ CX, DX
	SHRQ $4, DX
	JZ   fours

sixteen:
	VMULPD (DI), Y4, Y0
	VMULPD 32(DI), Y4, Y1
	VMULPD 64(DI), Y4, Y2
	VMULPD 96(DI), Y4, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ $128, DI
	DECQ DX
	JNZ  sixteen

fours:
	ANDQ $15, CX
	SHRQ $2, CX
	JZ   done

four:
	VMULPD (DI), Y4, Y0
	VMOVUPD Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ  four

done:
	VZEROUPPER
	RET
