//! Photos and scans are decoded and written anew before they are kept (OWASP File Upload
//! Cheat Sheet, ASVS 5.2.2): what an officer opens is pixels Lapak wrote, not the bytes a
//! participant's phone sent. That drops what a file may carry besides its picture: the
//! camera's metadata (EXIF with the place a photo was taken, which Lapak has no use for),
//! comments, and anything hidden after the image's end or inside it (a JPEG that is also
//! an HTML page). The picture is turned upright as the camera's orientation tag said, and
//! one larger than [`LONGEST_SIDE`] pixels is scaled down to it: an e-KTP or a passbook
//! stays legible, and a 48-megapixel photo is not kept at that size. A picture whose
//! header claims more than [`MOST_PIXELS`] is refused before it is decoded (a decompression
//! bomb: a small file that would unpack into gigabytes).

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

use lapak_domain::upload::{FileKind, UploadError};

/// The longest side of a picture as kept, in pixels.
pub const LONGEST_SIDE: u32 = 2_400;

/// The most pixels a picture may declare (about 50 megapixels: the largest phone cameras).
pub const MOST_PIXELS: u64 = 50_000_000;

/// JPEG quality of what is kept: text on a document stays sharp.
const QUALITY: u8 = 88;

/// The picture in `bytes` (as [`lapak_domain::upload::inspect`] recognised it), written
/// anew in the same format. A PDF is no picture (see [`crate::pdf`]).
pub fn rewrite(bytes: &[u8], kind: FileKind) -> Result<Vec<u8>, UploadError> {
    let format = match kind {
        FileKind::Jpeg => ImageFormat::Jpeg,
        FileKind::Png => ImageFormat::Png,
        FileKind::Pdf => return Err(UploadError::NotAllowed),
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MOST_PIXELS * 4 + 64 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| UploadError::Corrupt)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MOST_PIXELS {
        return Err(UploadError::Corrupt);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| UploadError::Corrupt)?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > LONGEST_SIDE {
        picture = picture.resize(LONGEST_SIDE, LONGEST_SIDE, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::with_capacity(bytes.len().min(8 * 1024 * 1024));
    match kind {
        FileKind::Png => {
            picture.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|_| UploadError::Corrupt)?;
        }
        _ => {
            // JPEG has no alpha channel: a picture with one is laid on white.
            let rgb = picture.into_rgb8();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
            rgb.write_with_encoder(encoder).map_err(|_| UploadError::Corrupt)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        picture.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg).unwrap();
        out
    }

    /// An APP1 segment with "Exif" and a made-up GPS position, put right after SOI.
    fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        let payload = b"Exif\0\0GPS -6.2088,106.8456 Jl. Sudirman";
        let len = (payload.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_is_kept_without_its_metadata_or_what_follows_it() {
        let mut sent = with_exif(&jpeg(640, 480));
        sent.extend_from_slice(b"<html><script>alert(1)</script></html>");
        let kept = rewrite(&sent, FileKind::Jpeg).unwrap();
        let found = |needle: &[u8]| kept.windows(needle.len()).any(|w| w == needle);
        assert!(!found(b"Exif") && !found(b"Sudirman") && !found(b"<script"), "metadata and payload gone");
        assert_eq!(lapak_domain::upload::inspect(&kept, usize::MAX), Ok(FileKind::Jpeg));
        let back = image::load_from_memory(&kept).unwrap();
        assert_eq!((back.width(), back.height()), (640, 480));
    }

    #[test]
    fn a_large_photo_is_scaled_down_and_a_png_stays_a_png() {
        let kept = rewrite(&jpeg(4_000, 3_000), FileKind::Jpeg).unwrap();
        let back = image::load_from_memory(&kept).unwrap();
        assert_eq!((back.width(), back.height()), (2_400, 1_800));
        let mut png = Vec::new();
        RgbImage::from_pixel(30, 20, Rgb([9, 9, 9])).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        png.extend_from_slice(b"appended");
        let kept = rewrite(&png, FileKind::Png).unwrap();
        assert!(kept.starts_with(b"\x89PNG") && !kept.ends_with(b"appended"));
        assert_eq!(image::load_from_memory(&kept).unwrap().width(), 30);
    }

    #[test]
    fn a_picture_that_does_not_decode_or_declares_too_many_pixels_is_refused() {
        // Markers right, content not a picture.
        let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        broken.extend_from_slice(&[0x55; 64]);
        broken.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(rewrite(&broken, FileKind::Jpeg), Err(UploadError::Corrupt));
        // A PNG header of 60,000 × 60,000 pixels in a few bytes.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
        bomb.extend_from_slice(&[0, 0, 0, 0]);
        bomb.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82");
        assert_eq!(rewrite(&bomb, FileKind::Png), Err(UploadError::Corrupt));
    }
}
