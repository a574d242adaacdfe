//go:build !purego

#include "textflag.h"

// Constants of tanhAVX, each repeated four times to fill a YMM register;
// generated from their float64 bit patterns.
DATA tanhc<>+0(SB)/8, $0x7fffffffffffffff
DATA tanhc<>+8(SB)/8, $0x7fffffffffffffff
DATA tanhc<>+16(SB)/8, $0x7fffffffffffffff
DATA tanhc<>+24(SB)/8, $0x7fffffffffffffff
DATA tanhc<>+32(SB)/8, $0x4034000000000000
DATA tanhc<>+40(SB)/8, $0x4034000000000000
DATA tanhc<>+48(SB)/8, $0x4034000000000000
DATA tanhc<>+56(SB)/8, $0x4034000000000000
DATA tanhc<>+64(SB)/8, $0x3ff71547652b82fe
DATA tanhc<>+72(SB)/8, $0x3ff71547652b82fe
DATA tanhc<>+80(SB)/8, $0x3ff71547652b82fe
DATA tanhc<>+88(SB)/8, $0x3ff71547652b82fe
DATA tanhc<>+96(SB)/8, $0x4338000000000000
DATA tanhc<>+104(SB)/8, $0x4338000000000000
DATA tanhc<>+112(SB)/8, $0x4338000000000000
DATA tanhc<>+120(SB)/8, $0x4338000000000000
DATA tanhc<>+128(SB)/8, $0x3fe62e42fee00000
DATA tanhc<>+136(SB)/8, $0x3fe62e42fee00000
DATA tanhc<>+144(SB)/8, $0x3fe62e42fee00000
DATA tanhc<>+152(SB)/8, $0x3fe62e42fee00000
DATA tanhc<>+160(SB)/8, $0x3dea39ef35793c76
DATA tanhc<>+168(SB)/8, $0x3dea39ef35793c76
DATA tanhc<>+176(SB)/8, $0x3dea39ef35793c76
DATA tanhc<>+184(SB)/8, $0x3dea39ef35793c76
DATA tanhc<>+192(SB)/8, $0x3ff0000000000000
DATA tanhc<>+200(SB)/8, $0x3ff0000000000000
DATA tanhc<>+208(SB)/8, $0x3ff0000000000000
DATA tanhc<>+216(SB)/8, $0x3ff0000000000000
DATA tanhc<>+224(SB)/8, $0x3ff0000000000000
DATA tanhc<>+232(SB)/8, $0x3ff0000000000000
DATA tanhc<>+240(SB)/8, $0x3ff0000000000000
DATA tanhc<>+248(SB)/8, $0x3ff0000000000000
DATA tanhc<>+256(SB)/8, $0x4000000000000000
DATA tanhc<>+264(SB)/8, $0x4000000000000000
DATA tanhc<>+272(SB)/8, $0x4000000000000000
DATA tanhc<>+280(SB)/8, $0x4000000000000000
DATA tanhc<>+288(SB)/8, $0x3de6124613a86d09
DATA tanhc<>+296(SB)/8, $0x3de6124613a86d09
DATA tanhc<>+304(SB)/8, $0x3de6124613a86d09
DATA tanhc<>+312(SB)/8, $0x3de6124613a86d09
DATA tanhc<>+320(SB)/8, $0x3e21eed8eff8d898
DATA tanhc<>+328(SB)/8, $0x3e21eed8eff8d898
DATA tanhc<>+336(SB)/8, $0x3e21eed8eff8d898
DATA tanhc<>+344(SB)/8, $0x3e21eed8eff8d898
DATA tanhc<>+352(SB)/8, $0x3e5ae64567f544e4
DATA tanhc<>+360(SB)/8, $0x3e5ae64567f544e4
DATA tanhc<>+368(SB)/8, $0x3e5ae64567f544e4
DATA tanhc<>+376(SB)/8, $0x3e5ae64567f544e4
DATA tanhc<>+384(SB)/8, $0x3e927e4fb7789f5c
DATA tanhc<>+392(SB)/8, $0x3e927e4fb7789f5c
DATA tanhc<>+400(SB)/8, $0x3e927e4fb7789f5c
DATA tanhc<>+408(SB)/8, $0x3e927e4fb7789f5c
DATA tanhc<>+416(SB)/8, $0x3ec71de3a556c734
DATA tanhc<>+424(SB)/8, $0x3ec71de3a556c734
DATA tanhc<>+432(SB)/8, $0x3ec71de3a556c734
DATA tanhc<>+440(SB)/8, $0x3ec71de3a556c734
DATA tanhc<>+448(SB)/8, $0x3efa01a01a01a01a
DATA tanhc<>+456(SB)/8, $0x3efa01a01a01a01a
DATA tanhc<>+464(SB)/8, $0x3efa01a01a01a01a
DATA tanhc<>+472(SB)/8, $0x3efa01a01a01a01a
DATA tanhc<>+480(SB)/8, $0x3f2a01a01a01a01a
DATA tanhc<>+488(SB)/8, $0x3f2a01a01a01a01a
DATA tanhc<>+496(SB)/8, $0x3f2a01a01a01a01a
DATA tanhc<>+504(SB)/8, $0x3f2a01a01a01a01a
DATA tanhc<>+512(SB)/8, $0x3f56c16c16c16c17
DATA tanhc<>+520(SB)/8, $0x3f56c16c16c16c17
DATA tanhc<>+528(SB)/8, $0x3f56c16c16c16c17
DATA tanhc<>+536(SB)/8, $0x3f56c16c16c16c17
DATA tanhc<>+544(SB)/8, $0x3f81111111111111
DATA tanhc<>+552(SB)/8, $0x3f81111111111111
DATA tanhc<>+560(SB)/8, $0x3f81111111111111
DATA tanhc<>+568(SB)/8, $0x3f81111111111111
DATA tanhc<>+576(SB)/8, $0x3fa5555555555555
DATA tanhc<>+584(SB)/8, $0x3fa5555555555555
DATA tanhc<>+592(SB)/8, $0x3fa5555555555555
DATA tanhc<>+600(SB)/8, $0x3fa5555555555555
DATA tanhc<>+608(SB)/8, $0x3fc5555555555555
DATA tanhc<>+616(SB)/8, $0x3fc5555555555555
DATA tanhc<>+624(SB)/8, $0x3fc5555555555555
DATA tanhc<>+632(SB)/8, $0x3fc5555555555555
DATA tanhc<>+640(SB)/8, $0x3fe0000000000000
DATA tanhc<>+648(SB)/8, $0x3fe0000000000000
DATA tanhc<>+656(SB)/8, $0x3fe0000000000000
DATA tanhc<>+664(SB)/8, $0x3fe0000000000000
DATA tanhc<>+672(SB)/8, $0x3ff0000000000000
DATA tanhc<>+680(SB)/8, $0x3ff0000000000000
DATA tanhc<>+688(SB)/8, $0x3ff0000000000000
DATA tanhc<>+696(SB)/8, $0x3ff0000000000000
DATA tanhc<>+704(SB)/8, $0x3ff0000000000000
DATA tanhc<>+712(SB)/8, $0x3ff0000000000000
DATA tanhc<>+720(SB)/8, $0x3ff0000000000000
DATA tanhc<>+728(SB)/8, $0x3ff0000000000000
DATA tanhc<>+736(SB)/8, $0x8000000000000000 // the sign bit
DATA tanhc<>+744(SB)/8, $0x8000000000000000
DATA tanhc<>+752(SB)/8, $0x8000000000000000
DATA tanhc<>+760(SB)/8, $0x8000000000000000
DATA tanhc<>+768(SB)/8, $0x40071547652b82fe // 2/ln 2
DATA tanhc<>+776(SB)/8, $0x40071547652b82fe
DATA tanhc<>+784(SB)/8, $0x40071547652b82fe
DATA tanhc<>+792(SB)/8, $0x40071547652b82fe
GLOBL tanhc<>(SB), RODATA|NOPTR, $800

// func tanhAVX(x *float64, n int)
//
// Replaces x[0:n] (n a positive multiple of 4) by tanh, computed as
// sign(x)·(1 − 2/(e^(2|x|) + 1)) with |x| clamped to 20 (tanh 20 rounds
// to 1). e^t is 2^k·e^r with k = round(t/ln 2), r = t − k·ln 2 split in two
// parts, and e^r from its degree-13 Taylor polynomial.
// NaN stays NaN. The absolute error is a few units of 1e-16.
TEXT ·tanhAVX(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $2, CX
	VMOVUPD tanhc<>+224(SB), Y14 // 1
	VMOVUPD tanhc<>+96(SB), Y15  // the shifter

	// Two vectors at a time, their instructions interleaved: one vector's
	// chain is about seventy cycles deep, and the out-of-order window
	// cannot hold enough iterations of a one-vector loop to cover it.
	// Each vector goes through the operations of the one-vector loop below
	// (single), in the same order, so the results are the same bits
	// (TestTanhPairSameBits). Registers of the first vector, the second's
	// are seven higher: Y0 x, |x|, t, then r; Y1 kd, then 2^k; Y2 scratch
	// (k, the odd pair coefficients, 2/(e^t+1), the sign); Y3 the
	// polynomial, e^t, then tanh; Y4 the even pairs; Y5 r²; Y6 r⁴, r⁸.
	// The sign is taken again from x in memory (x AND the sign bit, the
	// same bits as x XOR |x|), which frees a register. Three rewrites that
	// give the same bits with fewer loads or a shorter chain: 1 and the
	// shifter stay in Y14 and Y15; c0 + c1·r = 1 + r is an addition (an
	// FMA with both coefficients 1 rounds the same exact sum once), which
	// moves it off the two FMA pipes; kd = |x|·(2/ln 2) + shifter does
	// not wait for t = 2|x| (the products are the same real number, and
	// 2/ln 2 is exactly twice 1/ln 2).
pair:
	CMPQ CX, $2
	JLT  single
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y7
	VANDPD tanhc<>+0(SB), Y0, Y0
	VANDPD tanhc<>+0(SB), Y7, Y7
	VMOVUPD tanhc<>+32(SB), Y2
	VMOVUPD tanhc<>+32(SB), Y9
	VMINPD Y0, Y2, Y0
	VMINPD Y7, Y9, Y7
	VMOVUPD Y15, Y1
	VMOVUPD Y15, Y8
	VFMADD231PD tanhc<>+768(SB), Y0, Y1
	VFMADD231PD tanhc<>+768(SB), Y7, Y8
	VADDPD Y0, Y0, Y0
	VADDPD Y7, Y7, Y7
	VSUBPD Y15, Y1, Y2
	VSUBPD Y15, Y8, Y9
	VFNMADD231PD tanhc<>+128(SB), Y2, Y0
	VFNMADD231PD tanhc<>+128(SB), Y9, Y7
	VFNMADD231PD tanhc<>+160(SB), Y2, Y0
	VFNMADD231PD tanhc<>+160(SB), Y9, Y7
	VPSLLQ $52, Y1, Y1
	VPSLLQ $52, Y8, Y8
	VPADDQ tanhc<>+192(SB), Y1, Y1
	VPADDQ tanhc<>+192(SB), Y8, Y8
	VMULPD Y0, Y0, Y5
	VMULPD Y7, Y7, Y12
	VMOVUPD tanhc<>+608(SB), Y2
	VMOVUPD tanhc<>+608(SB), Y9
	VFMADD213PD tanhc<>+640(SB), Y0, Y2
	VFMADD213PD tanhc<>+640(SB), Y7, Y9
	VADDPD Y14, Y0, Y3
	VADDPD Y14, Y7, Y10
	VFMADD231PD Y5, Y2, Y3
	VFMADD231PD Y12, Y9, Y10
	VMOVUPD tanhc<>+480(SB), Y2
	VMOVUPD tanhc<>+480(SB), Y9
	VFMADD213PD tanhc<>+512(SB), Y0, Y2
	VFMADD213PD tanhc<>+512(SB), Y7, Y9
	VMOVUPD tanhc<>+544(SB), Y4
	VMOVUPD tanhc<>+544(SB), Y11
	VFMADD213PD tanhc<>+576(SB), Y0, Y4
	VFMADD213PD tanhc<>+576(SB), Y7, Y11
	VFMADD231PD Y5, Y2, Y4
	VFMADD231PD Y12, Y9, Y11
	VMULPD Y5, Y5, Y6
	VMULPD Y12, Y12, Y13
	VFMADD231PD Y6, Y4, Y3
	VFMADD231PD Y13, Y11, Y10
	VMOVUPD tanhc<>+352(SB), Y2
	VMOVUPD tanhc<>+352(SB), Y9
	VFMADD213PD tanhc<>+384(SB), Y0, Y2
	VFMADD213PD tanhc<>+384(SB), Y7, Y9
	VMOVUPD tanhc<>+416(SB), Y4
	VMOVUPD tanhc<>+416(SB), Y11
	VFMADD213PD tanhc<>+448(SB), Y0, Y4
	VFMADD213PD tanhc<>+448(SB), Y7, Y11
	VFMADD231PD Y5, Y2, Y4
	VFMADD231PD Y12, Y9, Y11
	VMOVUPD tanhc<>+288(SB), Y2
	VMOVUPD tanhc<>+288(SB), Y9
	VFMADD213PD tanhc<>+320(SB), Y0, Y2
	VFMADD213PD tanhc<>+320(SB), Y7, Y9
	VFMADD231PD Y6, Y2, Y4
	VFMADD231PD Y13, Y9, Y11
	VMULPD Y6, Y6, Y6
	VMULPD Y13, Y13, Y13
	VFMADD231PD Y6, Y4, Y3
	VFMADD231PD Y13, Y11, Y10
	VMULPD Y1, Y3, Y3
	VMULPD Y8, Y10, Y10
	VADDPD Y14, Y3, Y3
	VADDPD Y14, Y10, Y10
	VMOVUPD tanhc<>+256(SB), Y2
	VMOVUPD tanhc<>+256(SB), Y9
	VDIVPD Y3, Y2, Y2
	VDIVPD Y10, Y9, Y9
	VSUBPD Y2, Y14, Y3
	VSUBPD Y9, Y14, Y10
	VMOVUPD (SI), Y2
	VMOVUPD 32(SI), Y9
	VANDPD tanhc<>+736(SB), Y2, Y2
	VANDPD tanhc<>+736(SB), Y9, Y9
	VORPD Y2, Y3, Y3
	VORPD Y9, Y10, Y10
	VMOVUPD Y3, (SI)
	VMOVUPD Y10, 32(SI)
	ADDQ $64, SI
	SUBQ $2, CX
	JMP  pair

single:
	TESTQ CX, CX
	JZ    done
	VMOVUPD (SI), Y0
	VANDPD tanhc<>+0(SB), Y0, Y0
	VMOVUPD tanhc<>+32(SB), Y2
	VMINPD Y0, Y2, Y0
	VMOVUPD Y15, Y1
	VFMADD231PD tanhc<>+768(SB), Y0, Y1
	VADDPD Y0, Y0, Y0
	VSUBPD Y15, Y1, Y2
	VFNMADD231PD tanhc<>+128(SB), Y2, Y0
	VFNMADD231PD tanhc<>+160(SB), Y2, Y0
	VPSLLQ $52, Y1, Y1
	VPADDQ tanhc<>+192(SB), Y1, Y1
	VMULPD Y0, Y0, Y5
	VMOVUPD tanhc<>+608(SB), Y2
	VFMADD213PD tanhc<>+640(SB), Y0, Y2
	VADDPD Y14, Y0, Y3
	VFMADD231PD Y5, Y2, Y3
	VMOVUPD tanhc<>+480(SB), Y2
	VFMADD213PD tanhc<>+512(SB), Y0, Y2
	VMOVUPD tanhc<>+544(SB), Y4
	VFMADD213PD tanhc<>+576(SB), Y0, Y4
	VFMADD231PD Y5, Y2, Y4
	VMULPD Y5, Y5, Y6
	VFMADD231PD Y6, Y4, Y3
	VMOVUPD tanhc<>+352(SB), Y2
	VFMADD213PD tanhc<>+384(SB), Y0, Y2
	VMOVUPD tanhc<>+416(SB), Y4
	VFMADD213PD tanhc<>+448(SB), Y0, Y4
	VFMADD231PD Y5, Y2, Y4
	VMOVUPD tanhc<>+288(SB), Y2
	VFMADD213PD tanhc<>+320(SB), Y0, Y2
	VFMADD231PD Y6, Y2, Y4
	VMULPD Y6, Y6, Y6
	VFMADD231PD Y6, Y4, Y3
	VMULPD Y1, Y3, Y3
	VADDPD Y14, Y3, Y3
	VMOVUPD tanhc<>+256(SB), Y2
	VDIVPD Y3, Y2, Y2
	VSUBPD Y2, Y14, Y3
	VMOVUPD (SI), Y2
	VANDPD tanhc<>+736(SB), Y2, Y2
	VORPD Y2, Y3, Y3
	VMOVUPD Y3, (SI)

done:
	VZEROUPPER
	RET

// The table and constants of tanhAVX512: 2^(j/8) for j = 0..7, 8/ln 2,
// ln 2/8 in two parts, and 1/n! for n = 0..8.
DATA tanhtab<>+0(SB)/8, $0x3ff0000000000000 // 2^(0/8)
DATA tanhtab<>+8(SB)/8, $0x3ff172b83c7d517b // 2^(1/8)
DATA tanhtab<>+16(SB)/8, $0x3ff306fe0a31b715 // 2^(2/8)
DATA tanhtab<>+24(SB)/8, $0x3ff4bfdad5362a27 // 2^(3/8)
DATA tanhtab<>+32(SB)/8, $0x3ff6a09e667f3bcd // 2^(4/8)
DATA tanhtab<>+40(SB)/8, $0x3ff8ace5422aa0db // 2^(5/8)
DATA tanhtab<>+48(SB)/8, $0x3ffae89f995ad3ad // 2^(6/8)
DATA tanhtab<>+56(SB)/8, $0x3ffd5818dcfba487 // 2^(7/8)
DATA tanhtab<>+64(SB)/8, $0x40271547652b82fe // inv
DATA tanhtab<>+72(SB)/8, $0x3fb62e42fee00000 // hi
DATA tanhtab<>+80(SB)/8, $0x3dba39ef35793c76 // lo
DATA tanhtab<>+88(SB)/8, $0x3ff0000000000000 // 1/0!
DATA tanhtab<>+96(SB)/8, $0x3ff0000000000000 // 1/1!
DATA tanhtab<>+104(SB)/8, $0x3fe0000000000000 // 1/2!
DATA tanhtab<>+112(SB)/8, $0x3fc5555555555555 // 1/3!
DATA tanhtab<>+120(SB)/8, $0x3fa5555555555555 // 1/4!
DATA tanhtab<>+128(SB)/8, $0x3f81111111111111 // 1/5!
DATA tanhtab<>+136(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA tanhtab<>+144(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA tanhtab<>+152(SB)/8, $0x3efa01a01a01a01a // 1/8!
GLOBL tanhtab<>(SB), RODATA|NOPTR, $160

// func tanhAVX512(x *float64, n int)
//
// The AVX-512 form of tanhAVX, for n a positive multiple of 8. It reduces
// further, e^t = 2^(k/8)·e^r with |r| ≤ ln 2/16, looking 2^((k mod 8)/8)
// up in an eight-entry table with one VPERMPD, so that a degree-8
// polynomial suffices: fewer multiply-adds, which bound this loop.
TEXT ·tanhAVX512(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	SHRQ $3, CX

loop512:
	VMOVUPD (SI), Z0
	VPANDQ.BCST tanhc<>+0(SB), Z0, Z1        // a = |x|
	VPXORQ Z1, Z0, Z6                        // sign bit of x
	VBROADCASTSD tanhc<>+32(SB), Z3
	VMINPD Z1, Z3, Z1                        // min(20, a); NaN stays NaN
	VADDPD Z1, Z1, Z1                        // t = 2a
	VBROADCASTSD tanhc<>+96(SB), Z4
	VFMADD231PD.BCST tanhtab<>+64(SB), Z1, Z4 // kd = t·8/ln2 + shifter
	VSUBPD.BCST tanhc<>+96(SB), Z4, Z5       // k
	VFNMADD231PD.BCST tanhtab<>+72(SB), Z5, Z1 // r = t − k·(ln2/8)hi
	VFNMADD231PD.BCST tanhtab<>+80(SB), Z5, Z1 // r −= k·(ln2/8)lo
	VPERMPD tanhtab<>+0(SB), Z4, Z9          // 2^((k mod 8)/8)
	VBROADCASTSD tanhtab<>+96(SB), Z2
	VFMADD213PD.BCST tanhtab<>+88(SB), Z1, Z2          // q0 = 1 + r
	VBROADCASTSD tanhtab<>+112(SB), Z3
	VFMADD213PD.BCST tanhtab<>+104(SB), Z1, Z3          // q1 = c2 + c3·r
	VBROADCASTSD tanhtab<>+128(SB), Z5
	VFMADD213PD.BCST tanhtab<>+120(SB), Z1, Z5          // q2 = c4 + c5·r
	VBROADCASTSD tanhtab<>+144(SB), Z7
	VFMADD213PD.BCST tanhtab<>+136(SB), Z1, Z7          // q3 = c6 + c7·r
	VMULPD Z1, Z1, Z0                        // r²
	VFMADD231PD Z0, Z3, Z2                   // s0 = q0 + q1·r²
	VFMADD231PD Z0, Z7, Z5                   // s1 = q2 + q3·r²
	VMULPD Z0, Z0, Z3                        // r⁴
	VFMADD231PD Z3, Z5, Z2                   // u = s0 + s1·r⁴
	VMULPD Z3, Z3, Z0                        // r⁸
	VFMADD231PD.BCST tanhtab<>+152(SB), Z0, Z2          // e^r = u + c8·r⁸
	VPSRLQ $3, Z4, Z4
	VPSLLQ $52, Z4, Z4                       // k div 8 into the exponent field
	VPADDQ.BCST tanhc<>+192(SB), Z4, Z4      // 2^(k div 8)
	VMULPD Z9, Z2, Z2
	VMULPD Z4, Z2, Z2                        // e^t
	VADDPD.BCST tanhc<>+224(SB), Z2, Z2      // e^t + 1
	VBROADCASTSD tanhc<>+256(SB), Z3
	VDIVPD Z2, Z3, Z3                        // 2/(e^t + 1)
	VBROADCASTSD tanhc<>+224(SB), Z2
	VSUBPD Z3, Z2, Z2                        // tanh|x|
	VPORQ Z6, Z2, Z2                         // with the sign of x
	VMOVUPD Z2, (SI)
	ADDQ $64, SI
	DECQ CX
	JNZ  loop512
	VZEROUPPER
	RET
