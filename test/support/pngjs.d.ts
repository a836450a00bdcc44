declare module "pngjs" {
  /** The part of pngjs the chart tests use to decode rendered images. */
  export class PNG {
    width: number;
    height: number;
    /** RGBA, four bytes per pixel, row by row. */
    data: Buffer;
    static sync: { read(png: Buffer): PNG };
  }
}
