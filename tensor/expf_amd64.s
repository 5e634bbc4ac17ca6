#include "textflag.h"

// Constants of expfFast (see expf.go), as float32 bit patterns.
DATA expfK<>+0(SB)/4, $0xc2ae0000  // expfLo = -87
DATA expfK<>+4(SB)/4, $0x42b00000  // expfHi = 88
DATA expfK<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expfK<>+12(SB)/4, $0x4b400000 // 1.5·2^23, rounds to an integer
DATA expfK<>+16(SB)/4, $0x3f318000 // ln 2, high part 0.693359375
DATA expfK<>+20(SB)/4, $0x395e8083 // ln 2, low part (negated) 2.12194440e-4
DATA expfK<>+24(SB)/4, $0x3f800000 // 1
DATA expfK<>+28(SB)/4, $0x4b3fff81 // 0x4B400000 - 127: t's bits minus this are n + 127
DATA expfK<>+32(SB)/4, $0x39506967 // polynomial, highest degree first
DATA expfK<>+36(SB)/4, $0x3ab743ce
DATA expfK<>+40(SB)/4, $0x3c088908
DATA expfK<>+44(SB)/4, $0x3d2aa9c1
DATA expfK<>+48(SB)/4, $0x3e2aaaaa
DATA expfK<>+52(SB)/4, $0x3f000000
DATA expfK<>+56(SB)/4, $0x80000000 // sign bit
DATA expfK<>+60(SB)/4, $0x41100000 // 9: beyond it tanh is ±1 in float32
DATA expfK<>+64(SB)/4, $0x40000000 // 2
DATA expfK<>+68(SB)/4, $0x3f200000 // 0.625: below it tanh uses its polynomial
DATA expfK<>+72(SB)/4, $0xbbbaf0ea // tanh polynomial, highest degree first
DATA expfK<>+76(SB)/4, $0x3ca9134e
DATA expfK<>+80(SB)/4, $0xbd5c1e2d
DATA expfK<>+84(SB)/4, $0x3e088393
DATA expfK<>+88(SB)/4, $0xbeaaaa99
GLOBL expfK<>(SB), RODATA|NOPTR, $92

// func expBlocksAVX2(dst, src *float32, n, mode int) int
// Computes dst[i] = e^src[i] (mode 0) or 1/(1 + e^-src[i]) (mode 1) eight elements at a time,
// stopping before the first block of eight that holds an input outside expfFast's range (or a
// NaN). Returns how many elements it wrote, a multiple of 8.
TEXT ·expBlocksAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ mode+24(FP), DX
	VBROADCASTSS expfK<>+0(SB), Y15
	VBROADCASTSS expfK<>+4(SB), Y14
	VBROADCASTSS expfK<>+8(SB), Y13
	VBROADCASTSS expfK<>+12(SB), Y12
	VBROADCASTSS expfK<>+16(SB), Y11
	VBROADCASTSS expfK<>+20(SB), Y10
	VBROADCASTSS expfK<>+24(SB), Y9
	VBROADCASTSS expfK<>+28(SB), Y8
	VBROADCASTSS expfK<>+56(SB), Y7
	XORQ AX, AX

loop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JGT  done
	VMOVUPS (SI)(AX*4), Y0
	TESTQ DX, DX
	JZ    check
	VXORPS Y7, Y0, Y0 // sigmoid: e^-x

check:
	VCMPPS    $0x09, Y15, Y0, Y5 // !(x >= lo), true for NaN
	VCMPPS    $0x06, Y14, Y0, Y6 // !(x <= hi)
	VORPS     Y6, Y5, Y5
	VMOVMSKPS Y5, BX
	TESTL     BX, BX
	JNZ       done

	VMOVAPS      Y12, Y1
	VFMADD231PS  Y13, Y0, Y1 // t = x·log2e + 1.5·2^23
	VSUBPS       Y12, Y1, Y2 // nf = round(x·log2e)
	VMOVAPS      Y0, Y3
	VFNMADD231PS Y11, Y2, Y3 // r = x - nf·ln2hi
	VFMADD231PS  Y10, Y2, Y3 // r += nf·ln2lo
	VMULPS       Y3, Y3, Y4  // z = r²
	VBROADCASTSS expfK<>+32(SB), Y2
	VBROADCASTSS expfK<>+36(SB), Y6
	VFMADD213PS  Y6, Y3, Y2
	VBROADCASTSS expfK<>+40(SB), Y6
	VFMADD213PS  Y6, Y3, Y2
	VBROADCASTSS expfK<>+44(SB), Y6
	VFMADD213PS  Y6, Y3, Y2
	VBROADCASTSS expfK<>+48(SB), Y6
	VFMADD213PS  Y6, Y3, Y2
	VBROADCASTSS expfK<>+52(SB), Y6
	VFMADD213PS  Y6, Y3, Y2  // p
	VFMADD213PS  Y3, Y4, Y2  // p·z + r
	VADDPS       Y9, Y2, Y2  // + 1
	VPSUBD       Y8, Y1, Y1
	VPSLLD       $23, Y1, Y1 // 2^n
	VMULPS       Y1, Y2, Y2
	TESTQ        DX, DX
	JZ           store
	VADDPS       Y9, Y2, Y2
	VDIVPS       Y2, Y9, Y2  // 1 / (1 + e^-x)

store:
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	JMP     loop

done:
	VZEROUPPER
	MOVQ AX, ret+32(FP)
	RET

// func tanhBlocksAVX2(dst, src *float32, n int) int
// Computes dst[i] = tanh(src[i]) as tanhRowF32 does, eight elements at a time: both of its
// branches on every lane (|x| clamped to 9 for the exp one), blended by |x| < 0.625. Stops
// before the first block holding a NaN; returns how many elements it wrote.
TEXT ·tanhBlocksAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS expfK<>+56(SB), Y15
	VBROADCASTSS expfK<>+24(SB), Y14
	VBROADCASTSS expfK<>+8(SB), Y13
	VBROADCASTSS expfK<>+12(SB), Y12
	VBROADCASTSS expfK<>+16(SB), Y11
	VBROADCASTSS expfK<>+20(SB), Y10
	VBROADCASTSS expfK<>+28(SB), Y9
	VBROADCASTSS expfK<>+60(SB), Y8
	XORQ AX, AX

tloop:
	LEAQ 8(AX), BX
	CMPQ BX, CX
	JGT  tdone
	VMOVUPS   (SI)(AX*4), Y0
	VCMPPS    $0x03, Y0, Y0, Y6 // unordered: NaN
	VMOVMSKPS Y6, BX
	TESTL     BX, BX
	JNZ       tdone

	VANDNPS Y0, Y15, Y1 // a = |x|
	VMINPS  Y8, Y1, Y3
	VADDPS  Y3, Y3, Y3  // y = 2·min(a, 9)

	// e = e^y, as in expBlocksAVX2
	VMOVAPS      Y12, Y4
	VFMADD231PS  Y13, Y3, Y4
	VSUBPS       Y12, Y4, Y5
	VFNMADD231PS Y11, Y5, Y3
	VFMADD231PS  Y10, Y5, Y3
	VMULPS       Y3, Y3, Y6
	VBROADCASTSS expfK<>+32(SB), Y5
	VBROADCASTSS expfK<>+36(SB), Y7
	VFMADD213PS  Y7, Y3, Y5
	VBROADCASTSS expfK<>+40(SB), Y7
	VFMADD213PS  Y7, Y3, Y5
	VBROADCASTSS expfK<>+44(SB), Y7
	VFMADD213PS  Y7, Y3, Y5
	VBROADCASTSS expfK<>+48(SB), Y7
	VFMADD213PS  Y7, Y3, Y5
	VBROADCASTSS expfK<>+52(SB), Y7
	VFMADD213PS  Y7, Y3, Y5
	VFMADD213PS  Y3, Y6, Y5
	VADDPS       Y14, Y5, Y5
	VPSUBD       Y9, Y4, Y4
	VPSLLD       $23, Y4, Y4
	VMULPS       Y4, Y5, Y5

	// big = ±(1 - 2/(e + 1)) with x's sign
	VADDPS       Y14, Y5, Y5
	VBROADCASTSS expfK<>+64(SB), Y7
	VDIVPS       Y5, Y7, Y5
	VSUBPS       Y5, Y14, Y5
	VANDPS       Y15, Y0, Y2
	VORPS        Y2, Y5, Y5

	// small = x + x·z·poly(z), z = x²
	VMULPS       Y0, Y0, Y6
	VBROADCASTSS expfK<>+72(SB), Y3
	VBROADCASTSS expfK<>+76(SB), Y7
	VFMADD213PS  Y7, Y6, Y3
	VBROADCASTSS expfK<>+80(SB), Y7
	VFMADD213PS  Y7, Y6, Y3
	VBROADCASTSS expfK<>+84(SB), Y7
	VFMADD213PS  Y7, Y6, Y3
	VBROADCASTSS expfK<>+88(SB), Y7
	VFMADD213PS  Y7, Y6, Y3
	VMULPS       Y6, Y3, Y3
	VFMADD213PS  Y0, Y0, Y3

	VBROADCASTSS expfK<>+68(SB), Y7
	VCMPPS       $0x01, Y7, Y1, Y7 // a < 0.625
	VBLENDVPS    Y7, Y3, Y5, Y5
	VMOVUPS      Y5, (DI)(AX*4)
	ADDQ         $8, AX
	JMP          tloop

tdone:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
