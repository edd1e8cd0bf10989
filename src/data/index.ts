// Public API of the data module: dataset loading, tensors, batching, image files and writers.
export * from './types';
export * from './npy';
export { decodeIdx, encodeIdx, idxHeader, type IdxArray, IDX_UBYTE, readIdx } from './idx';
export { convertChannels, type DecodedImage, decodeImageFile, encodePng, imageGrid } from './images';
export { defaultCacheDir } from './cache';
export { classCounts, concatDatasets, imageSize, selectImages, subsetDataset } from './ops';
export { resizeImages } from './transform';
export { readIdxDataset } from './idx-dataset';
export { readNpyDataset, UNLABELLED_CLASS } from './npy-dataset';
export { loadMnist, MNIST_CLASS_NAMES, mnistDataDir } from './mnist';
export {
  FASHION_IMAGES_PER_CLASS, FASHION_MNIST_CLASS_NAMES, FASHION_SPLIT_SEED, FASHION_TRAIN_PER_CLASS, fashionMnistDir,
  fashionSplitIndices, loadFashionMnist, parseFashionClassFile,
} from './fashion';
export { folderChecksum, IMAGE_EXTENSIONS, type ImageFolderOptions, loadImageFolder } from './folder';
export {
  classFolderNames, createDatasetWriter, type DatasetFormat, type DatasetManifest, type DatasetWriter, type DatasetWriterOptions,
  idxFileNames, type NpyImageDtype, writeDataset,
} from './writers';
export { isWrittenDataset, loadWrittenDataset, readManifest } from './written';
export { type DatasetSpec, describeDatasetSpec, parseDatasetSpec } from './spec';
export { datasetChecksum, loadDataset, type LoadDatasetOptions } from './load';
export { imagesToTensor, labelsToTensor, tensorToImageBytes } from './tensors';
export { batchIndices, epochOrder } from './batching';
