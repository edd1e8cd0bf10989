/** Which part of a dataset: the training split, the test split, or every image. */
export type Split = 'train' | 'test' | 'all';

/**
 * Images and labels in memory, as raw bytes. Images are 8-bit, NHWC row-major
 * (`count × height × width × channels`), labels are class indices into `classNames`.
 */
export interface ImageDataset {
  /** Dataset name: `mnist`, `fashion-mnist`, or a name derived from the user's path. */
  name: string;
  split: Split;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** Pixel bytes, 0..255, length count × height × width × channels. */
  images: Uint8Array;
  /** Class index per image, length count. */
  labels: Uint8Array;
  classNames: string[];
  /** SHA-256 (hex) of every source file the images and labels were read from, by file name. */
  checksums: Record<string, string>;
}
