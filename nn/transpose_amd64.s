//go:build !purego

#include "textflag.h"

// func transposeAVX512(dst, src *float64, r, c int)
//
// Writes the transpose of the r×c row-major src into dst (c×r), r and c
// positive multiples of 8, one 8×8 block at a time: eight row loads, three
// rounds of shuffles (pairs, then 128-bit lanes twice) and eight row stores.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ r+16(FP), R9
	SHLQ $3, R9 // dst row stride in bytes
	MOVQ c+24(FP), R8
	SHLQ $3, R8 // src row stride in bytes
	LEAQ (R8)(R8*2), R10
	LEAQ (R9)(R9*2), R11
	MOVQ r+16(FP), BX
	SHRQ $3, BX

rowblk:
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ c+24(FP), CX
	SHRQ $3, CX

colblk:
	LEAQ (R12)(R8*4), R14
	VMOVUPD (R12), Z0
	VMOVUPD (R12)(R8*1), Z1
	VMOVUPD (R12)(R8*2), Z2
	VMOVUPD (R12)(R10*1), Z3
	VMOVUPD (R14), Z4
	VMOVUPD (R14)(R8*1), Z5
	VMOVUPD (R14)(R8*2), Z6
	VMOVUPD (R14)(R10*1), Z7

	// Pairs of rows interleaved: even and odd columns.
	VUNPCKLPD Z1, Z0, Z8
	VUNPCKHPD Z1, Z0, Z9
	VUNPCKLPD Z3, Z2, Z10
	VUNPCKHPD Z3, Z2, Z11
	VUNPCKLPD Z5, Z4, Z12
	VUNPCKHPD Z5, Z4, Z13
	VUNPCKLPD Z7, Z6, Z14
	VUNPCKHPD Z7, Z6, Z15

	// 128-bit lanes of two pairs: columns {0,4}, {2,6}, {1,5}, {3,7}.
	VSHUFF64X2 $0x88, Z10, Z8, Z16
	VSHUFF64X2 $0xdd, Z10, Z8, Z17
	VSHUFF64X2 $0x88, Z11, Z9, Z18
	VSHUFF64X2 $0xdd, Z11, Z9, Z19
	VSHUFF64X2 $0x88, Z14, Z12, Z20
	VSHUFF64X2 $0xdd, Z14, Z12, Z21
	VSHUFF64X2 $0x88, Z15, Z13, Z22
	VSHUFF64X2 $0xdd, Z15, Z13, Z23

	// Whole columns.
	VSHUFF64X2 $0x88, Z20, Z16, Z24 // column 0
	VSHUFF64X2 $0xdd, Z20, Z16, Z28 // column 4
	VSHUFF64X2 $0x88, Z21, Z17, Z26 // column 2
	VSHUFF64X2 $0xdd, Z21, Z17, Z30 // column 6
	VSHUFF64X2 $0x88, Z22, Z18, Z25 // column 1
	VSHUFF64X2 $0xdd, Z22, Z18, Z29 // column 5
	VSHUFF64X2 $0x88, Z23, Z19, Z27 // column 3
	VSHUFF64X2 $0xdd, Z23, Z19, Z31 // column 7

	LEAQ (R13)(R9*4), AX
	VMOVUPD Z24, (R13)
	VMOVUPD Z25, (R13)(R9*1)
	VMOVUPD Z26, (R13)(R9*2)
	VMOVUPD Z27, (R13)(R11*1)
	VMOVUPD Z28, (AX)
	VMOVUPD Z29, (AX)(R9*1)
	VMOVUPD Z30, (AX)(R9*2)
	VMOVUPD Z31, (AX)(R11*1)

	ADDQ $64, R12
	LEAQ (R13)(R9*8), R13
	DECQ CX
	JNZ  colblk

	LEAQ (SI)(R8*8), SI
	ADDQ $64, DI
	DECQ BX
	JNZ  rowblk
	VZEROUPPER
	RET

// func transposeAVX(dst, src *float64, r, c int)
//
// Writes the transpose of the r×c row-major src into dst (c×r), r and c
// positive multiples of 4, one 4×4 block at a time: four row loads, pairs
// interleaved (VUNPCKLPD/VUNPCKHPD), 128-bit halves exchanged (VPERM2F128)
// and four row stores. Values are only moved, so the result is exactly
// transposeGo's.
TEXT ·transposeAVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ r+16(FP), R9
	SHLQ $3, R9 // dst row stride in bytes
	MOVQ c+24(FP), R8
	SHLQ $3, R8 // src row stride in bytes
	LEAQ (R8)(R8*2), R10
	LEAQ (R9)(R9*2), R11
	MOVQ r+16(FP), BX
	SHRQ $2, BX

rowblk4:
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ c+24(FP), CX
	SHRQ $2, CX

colblk4:
	VMOVUPD (R12), Y0         // a0 a1 a2 a3
	VMOVUPD (R12)(R8*1), Y1   // b0 b1 b2 b3
	VMOVUPD (R12)(R8*2), Y2   // c0 c1 c2 c3
	VMOVUPD (R12)(R10*1), Y3  // d0 d1 d2 d3
	VUNPCKLPD Y1, Y0, Y4      // a0 b0 a2 b2
	VUNPCKHPD Y1, Y0, Y5      // a1 b1 a3 b3
	VUNPCKLPD Y3, Y2, Y6      // c0 d0 c2 d2
	VUNPCKHPD Y3, Y2, Y7      // c1 d1 c3 d3
	VPERM2F128 $0x20, Y6, Y4, Y0 // a0 b0 c0 d0
	VPERM2F128 $0x20, Y7, Y5, Y1 // a1 b1 c1 d1
	VPERM2F128 $0x31, Y6, Y4, Y2 // a2 b2 c2 d2
	VPERM2F128 $0x31, Y7, Y5, Y3 // a3 b3 c3 d3
	VMOVUPD Y0, (R13)
	VMOVUPD Y1, (R13)(R9*1)
	VMOVUPD Y2, (R13)(R9*2)
	VMOVUPD Y3, (R13)(R11*1)
	ADDQ $32, R12             // next four columns of src
	LEAQ (R13)(R9*4), R13     // next four rows of dst
	DECQ CX
	JNZ  colblk4
	LEAQ (SI)(R8*4), SI       // next four rows of src
	ADDQ $32, DI              // next four columns of dst
	DECQ BX
	JNZ  rowblk4
	VZEROUPPER
	RET
