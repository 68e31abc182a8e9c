/** QR codes of an m.me link, as PNG or SVG (the `qrcode` package), with size and margin options. */
import QRCode from 'qrcode';

export interface QrOptions {
  /** Width (= height) in pixels. Default 512. */
  readonly size?: number;
  /** Quiet zone in modules. Default 4 (what scanners expect). */
  readonly margin?: number;
}

export const QR_SIZE = { min: 64, max: 2048, default: 512 } as const;
export const QR_MARGIN = { min: 0, max: 16, default: 4 } as const;

/** Medium error correction: survives a smudge or a small logo on print. */
const LEVEL = 'M';

export async function qrPng(
  url: string,
  { size = QR_SIZE.default, margin = QR_MARGIN.default }: QrOptions = {},
): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', width: size, margin, errorCorrectionLevel: LEVEL });
}

export async function qrSvg(
  url: string,
  { size = QR_SIZE.default, margin = QR_MARGIN.default }: QrOptions = {},
): Promise<string> {
  return QRCode.toString(url, { type: 'svg', width: size, margin, errorCorrectionLevel: LEVEL });
}
