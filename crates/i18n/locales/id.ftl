# Bahasa Indonesia (bahasa utama). Formal "Anda".
service-name = Lapak
service-tagline = Layanan klaim Jaminan Hari Tua tanpa kontak fisik
switch-language = English
skip-to-content = Langsung ke isi
home-title = Klaim JHT tanpa antre, tanpa kontak fisik
home-lead = Ajukan klaim Jaminan Hari Tua (JHT) dari ponsel Anda, unggah dokumen, dan ikuti wawancara verifikasi lewat panggilan video. Setiap klaim yang diterima langsung mendapat jadwal.
home-channels-title = Tiga cara mengajukan klaim
home-channel-online = Daring: isi formulir dan unggah dokumen dari ponsel, lalu wawancara verifikasi lewat panggilan video.
home-channel-branch = Di kantor cabang: layanan One to Many, satu petugas melayani 4–6 peserta dari bilik berlayar, dengan jaga jarak.
home-channel-collective = Klaim kolektif: perusahaan yang melakukan PHK terhadap sedikitnya 30% pekerjanya mengajukan untuk mereka melalui satu perwakilan (PIC).
home-prepare-title = Siapkan dokumen Anda
home-prepare-body = Kartu peserta (KPJ), e-KTP, Kartu Keluarga, buku tabungan, surat keterangan berhenti bekerja, NPWP bila saldo di atas Rp50 juta, dan foto diri terbaru. Berkas JPG, PNG, atau PDF.
footer-note = Lapak adalah perangkat lunak sumber terbuka. Data pribadi Anda dienkripsi dan setiap akses petugas dicatat.
error-not-found-title = Halaman tidak ditemukan
error-not-found-body = Periksa kembali alamat yang Anda ketik, atau kembali ke beranda.
error-too-large-title = Berkas terlalu besar
error-too-large-body = Yang Anda kirim lebih besar daripada yang diterima Lapak: setiap berkas paling besar { $mb } MB. Kembali, pilih berkas yang lebih kecil (foto dengan resolusi lebih rendah, atau PDF dengan halaman lebih sedikit), lalu kirim lagi. Data yang sudah Anda isi tetap tersimpan.
error-bad-request-title = Permintaan ini tidak dapat dibaca
error-bad-request-body = Alamat atau formulirnya mungkin rusak. Kembali dan coba lagi, atau mulai dari beranda. Data yang sudah Anda isi tetap tersimpan.
error-overloaded-title = Layanan sedang sibuk
error-overloaded = Layanan sedang sangat sibuk. Silakan coba lagi dalam beberapa detik; data yang sudah Anda isi tetap tersimpan.
error-internal-title = Terjadi kesalahan
error-internal = Terjadi kesalahan pada sistem kami. Data Anda tidak hilang; silakan coba lagi.
error-unavailable-title = Layanan sementara tidak tersedia
error-unavailable = Penyimpanan data layanan ini sedang terganggu. Data yang sudah tersimpan tidak hilang; silakan coba lagi dalam setengah menit.
error-forbidden-title = Tidak berwenang
error-cross-site-title = Formulir tidak diterima
error-cross-site = Formulir ini dikirim dari situs lain, sehingga tidak diterima. Buka Lapak secara langsung lalu coba lagi; data yang sudah Anda isi tetap tersimpan.
back-home = Kembali ke beranda

# Participant journey
nav-start = Ajukan klaim
nav-track = Lacak klaim
continue = Lanjutkan
change = Ubah
submit = Kirim
error-prefix = Galat
table-scroll = Tabel: geser ke samping untuk melihat semua kolom
error-summary-title = Ada yang perlu diperbaiki
home-start-button = Ajukan klaim JHT
home-track-link = Lacak klaim yang sudah diajukan
identity-title = Siapa Anda?
identity-lead = Isi sesuai KTP dan kartu peserta. Kami mencocokkannya dengan data kepesertaan.
resume-link-expired = Tautan ini sudah tidak berlaku: sudah digantikan tautan yang lebih baru, pengajuan yang lama tidak dikirim dan tidak diubah telah dihapus, atau klaim sudah lama diajukan (ikuti di Lacak klaim, dengan nomor klaim dan tanggal lahir Anda). Isi data Anda di bawah: Anda kembali ke pengajuan yang tersimpan, atau memulai yang baru bila sudah dihapus.
field-nik = NIK
hint-nik = 16 digit, tertera di KTP
field-kpj = Nomor KPJ
hint-kpj = 11 digit, tertera di kartu peserta
field-full_name = Nama lengkap
field-birth_date = Tanggal lahir
hint-date = Contoh: 15/05/1990
tasks-title = Pengajuan klaim JHT Anda
tasks-lead = Data Anda tersimpan setiap kali Anda menekan Lanjutkan. Anda dapat berhenti dan melanjutkan kapan saja lewat tautan di email Anda. Pengajuan yang belum dikirim dan tidak diubah selama { $days } hari akan dihapus.
task-identity = Identitas
task-cause = Sebab klaim
task-payment = Rekening dan kontak
task-documents = Dokumen
task-review = Periksa dan kirim
status-done = Selesai
status-todo = Belum dimulai
status-cannot = Belum bisa dimulai
cause-title = Mengapa Anda mengajukan klaim?
field-cause = Sebab klaim
field-last_working_day = Hari terakhir bekerja
hint-last_working_day = Untuk pengunduran diri, PHK, dan akhir kontrak. Contoh: 30/09/2026
cause-resignation = Mengundurkan diri
cause-layoff = Pemutusan hubungan kerja (PHK)
cause-end_of_contract = Kontrak kerja (PKWT) berakhir
cause-retirement_age = Mencapai usia pensiun (56 tahun)
cause-total_permanent_disability = Cacat total tetap
cause-death = Meninggal dunia (diajukan ahli waris)
cause-leaving_indonesia = Meninggalkan Indonesia untuk selamanya
cause-partial_10 = Klaim sebagian 10% (persiapan pensiun)
cause-partial_30 = Klaim sebagian 30% (kepemilikan rumah)
decision-eligible = Anda dapat mengajukan klaim sekarang.
decision-not-yet = Anda dapat mengajukan mulai { $date }.
decision-refused = Klaim ini tidak dapat diajukan.
decision-not-yet-note = Anda dapat menyiapkan data dan dokumen sekarang; pengajuan dapat dikirim mulai tanggal tersebut.
ground-waiting_period_over = Sudah lebih dari satu bulan setelah hari terakhir bekerja ({ $lwd }).
ground-waiting_period = Satu bulan setelah hari terakhir bekerja ({ $lwd }).
ground-pension_age_reached = Anda telah mencapai usia pensiun.
ground-below_pension_age = Klaim usia pensiun dapat diajukan pada ulang tahun ke-56.
ground-proven_by_documents = Dibuktikan dengan dokumen saat verifikasi.
ground-membership_long_enough = Anda telah menjadi peserta sedikitnya 10 tahun.
ground-membership_under_minimum = Klaim sebagian memerlukan kepesertaan sedikitnya 10 tahun.
ground-earlier_partial_claim = Klaim sebagian hanya dapat diambil satu kali.
ground-stopped_working_claim_in_full = Anda sudah berhenti bekerja: ajukan klaim penuh (mengundurkan diri, PHK, atau akhir kontrak).
ground-last_working_day_required = Isi hari terakhir bekerja.
ground-last_working_day_before_membership = Hari terakhir bekerja tidak boleh sebelum Anda menjadi peserta.
ground-open_claim_exists = Masih ada klaim lain yang sedang diproses untuk KPJ ini.
ground-no_balance = Saldo JHT Anda kosong.
estimate-title = Perkiraan pembayaran
estimate-gross = Sebelum pajak
estimate-tax = Pajak (PP 68/2009)
estimate-net = Diterima
estimate-npwp = Karena jumlahnya di atas Rp50.000.000, NPWP wajib dilampirkan.
payment-title = Rekening dan kontak
payment-lead = Pembayaran hanya ke rekening atas nama Anda sendiri.
field-bank_code = Bank
field-account_number = Nomor rekening
field-account_holder = Nama pemilik rekening
hint-account_holder = Seperti tertulis di buku tabungan
field-email = Email
field-whatsapp = Nomor WhatsApp
hint-whatsapp = Contoh: 0812 3456 7890
field-npwp = NPWP
hint-npwp = Wajib bila pembayaran di atas Rp50.000.000
field-branch = Kantor cabang untuk wawancara
choose = Pilih
documents-title = Unggah dokumen
documents-lead = JPG, PNG, atau PDF, paling besar { $mb } MB per berkas. Dokumen dengan beberapa halaman dapat diunggah satu per satu.
documents-uploaded = Terunggah
documents-missing = Belum diunggah
documents-optional = Bila ada
field-file = Pilih berkas
upload = Unggah
remove = Hapus
doc-kpj_card = Kartu peserta (KPJ)
doc-ektp = e-KTP
doc-family_card = Kartu Keluarga
doc-passbook = Buku tabungan (halaman depan)
doc-proof_of_stopping_work = Bukti berhenti bekerja (paklaring, surat PHK, kontrak, atau putusan PHI)
doc-pension_letter = Surat keterangan pensiun
doc-disability_certificate = Surat keterangan dokter tentang cacat total tetap
doc-death_certificate = Akta kematian
doc-heir_certificate = Surat keterangan ahli waris
doc-heir_identity = KTP ahli waris
doc-leaving_indonesia_statement = Surat pernyataan tidak bekerja lagi di Indonesia
doc-passport = Paspor
doc-employment_letter = Surat keterangan masih bekerja
doc-housing_documents = PPJB/AJB atau dokumen kredit rumah
doc-npwp = NPWP
doc-photo = Foto diri terbaru (wajah tampak depan)
review-title = Periksa jawaban Anda
review-declaration = Dengan mengirim pengajuan ini, saya menyatakan bahwa data dan dokumen yang saya berikan benar.
review-not-ready = Pengajuan belum lengkap:
field-kpj-short = KPJ
done-title = Klaim Anda telah diajukan
done-number = Nomor klaim Anda
done-next-title = Apa yang terjadi selanjutnya
done-next-body = Kami mengirim tanda terima ke email Anda. Jadwal wawancara verifikasi Anda dibuat otomatis dan dikirim lewat email dan WhatsApp begitu ditetapkan; Anda juga dapat melihatnya di halaman lacak klaim. Siapkan dokumen asli untuk ditunjukkan kepada petugas.
done-receipt = Cetak tanda terima
receipt-title = Tanda terima pengajuan klaim JHT
receipt-submitted-at = Diajukan
receipt-scan = Pindai untuk melacak klaim
receipt-or-open = atau buka
print = Cetak
track-title = Lacak klaim
track-lead = Masukkan nomor klaim dan tanggal lahir peserta.
field-claim_number = Nomor klaim
hint-claim_number = Contoh: K7M2-9QXD-R
track-button = Lacak
track-status = Status saat ini
track-history = Riwayat
track-next = Langkah berikutnya
state-draft = Belum diajukan
state-submitted = Diajukan
state-scheduled = Dijadwalkan
state-verified = Diverifikasi
state-needs_documents = Perlu perbaikan dokumen
state-rejected = Ditolak
state-approved = Disetujui
state-payment_sent = Dana dikirim ke bank
state-paid = Dibayar
state-payment_failed = Pembayaran gagal
state-cancelled = Dibatalkan
next-draft = Lengkapi dan kirim pengajuan Anda.
next-submitted = Jadwal wawancara verifikasi Anda sedang dibuat. Anda akan menerima jadwalnya lewat email dan WhatsApp begitu ditetapkan.
next-scheduled = Ikuti wawancara verifikasi pada jadwal yang dikirim kepada Anda, dengan dokumen asli di tangan.
next-verified = Klaim Anda menunggu persetujuan. Tidak ada yang perlu Anda lakukan.
next-needs_documents = Perbaiki dokumen sesuai catatan petugas, lalu kirim kembali lewat tautan di email Anda.
next-rejected = Klaim ditolak dengan alasan yang tercantum. Anda dapat mengajukan klaim baru bila keadaannya berubah.
next-approved = Pembayaran sedang disiapkan, paling lama 5 hari kerja.
next-payment_sent = Dana sedang diproses bank dan akan masuk ke rekening Anda.
next-paid = Dana telah masuk ke rekening Anda. Klaim selesai.
next-payment_failed = Bank menolak pembayaran. Periksa nomor rekening Anda; petugas akan menghubungi Anda.
next-cancelled = Klaim dibatalkan.
err-required = Wajib diisi
err-required-named = { $field } wajib diisi
err-required-fields = Wajib diisi: { $fields }.
err-nik-length = Masukkan 16 digit NIK seperti di KTP
err-nik-digits = NIK hanya berisi angka
err-nik-invalid = NIK ini tidak sah: periksa kembali setiap digit
err-kpj-format = Masukkan 11 digit nomor KPJ
err-name-too-long = Nama terlalu panjang (paling banyak 150 karakter)
err-name-characters = Nama hanya boleh berisi huruf, spasi, dan tanda baca nama
err-date-format = Masukkan tanggal yang ada, misalnya 15/05/1990
err-date-future = Tanggal tidak boleh di masa depan
err-invalid = Ada isian yang perlu diperbaiki; lihat daftar galat per isian.
err-identity-mismatch = Data yang Anda masukkan tidak cocok dengan data kepesertaan. Periksa NIK, nomor KPJ, nama, dan tanggal lahir.
err-rate-limited = Terlalu banyak percobaan. Tunggu satu menit, lalu coba lagi.
err-open-claim-exists = Sudah ada klaim yang sedang diproses untuk KPJ ini. Lacak klaim tersebut.
err-cause-required = Pilih sebab klaim
err-cause-unknown = Pilih salah satu sebab klaim
err-lwd-required = Masukkan hari terakhir Anda bekerja
err-bank-unknown = Pilih bank
err-account-digits = Nomor rekening hanya berisi angka
err-account-length = Jumlah digit nomor rekening tidak sesuai dengan bank yang dipilih
err-holder-mismatch = Rekening harus atas nama Anda sendiri
err-email-invalid = Masukkan alamat email seperti nama@contoh.com
err-phone-invalid = Masukkan nomor seluler, misalnya 0812 3456 7890
err-npwp-required = NPWP wajib karena pembayaran di atas Rp50.000.000
err-npwp-invalid = NPWP ini tidak sah: 15 digit (99.999.999.9-999.999) atau 16 digit
err-branch-unknown = Pilih kantor cabang dari daftar
err-document-kind = Dokumen ini tidak diperlukan untuk sebab klaim Anda
err-file-empty = Berkas kosong: pilih berkas lain
err-attorney-required = Pilih berkas surat kuasa dari perusahaan
err-statement-required = Pilih berkas surat pernyataan perwakilan yang ditandatangani
err-file-too-large = Berkas lebih besar dari { $mb } MB. Pilih berkas yang lebih kecil: foto dengan resolusi lebih rendah, atau PDF dengan halaman lebih sedikit.
err-file-type = Berkas harus JPG, PNG, atau PDF
err-file-corrupt = Berkas rusak atau tidak lengkap: unggah ulang
err-file-active-content = PDF ini memuat skrip, formulir berskrip, atau berkas sisipan yang tidak disimpan Lapak: cetak ulang menjadi PDF baru (Cetak, Simpan sebagai PDF) atau kirim foto dokumennya
err-claim-number-length = Nomor klaim terdiri dari 9 karakter, misalnya K7M2-9QXD-R
err-claim-number-characters = Nomor klaim berisi angka dan huruf A–Z (tanpa I, L, O, U)
err-claim-number-typo = Ada salah ketik pada nomor klaim: periksa kembali
err-not-found = Tidak ada klaim dengan nomor dan tanggal lahir tersebut.
err-not-editable = Klaim ini sudah diajukan dan tidak dapat diubah lagi.
err-incomplete = Pengajuan belum lengkap.
err-not-eligible = Klaim ini belum dapat diajukan.
err-idempotency-mismatch = Idempotency-Key ini sudah dipakai untuk permintaan lain.
err-idempotency-key-named = { $field } harus 1–255 karakter ASCII yang terlihat, misalnya UUID
err-internal = Terjadi kesalahan pada sistem kami. Data Anda tidak hilang; silakan coba lagi.
err-unavailable = Penyimpanan data sedang terganggu, jadi permintaan ini belum dapat dilayani. Isian Anda tidak hilang; silakan coba lagi dalam setengah menit.
err-session = Sesi pengajuan Anda tidak ditemukan. Mulai lagi atau buka tautan di email Anda.
err-claim-token = Token klaim tidak dikenal atau sudah diganti dengan yang lebih baru. Mulai klaim lagi (startClaim) untuk mendapatkan token baru.
err-token-required = Panggilan ini memerlukan token klaim dari startClaim: kirim sebagai Authorization: Bearer <claim_token>.
err-json-expected = Kirim isi permintaan sebagai JSON (Content-Type: application/json).
err-bad-json = Isi permintaan bukan JSON yang sah.
err-bad-value-named = { $field } salah jenis atau bentuknya
err-bad-request = Permintaan tidak dapat dibaca: periksa alamat dan parameternya.
err-too-large = Permintaan lebih besar daripada yang diterima layanan ini.
err-no-route = Alamat ini tidak ada di API: lihat /api/openapi.json.
err-method-not-allowed = Alamat ini tidak menerima metode ini: header Allow menyebut metode yang diterima.
missing-cause = sebab klaim
missing-payment = rekening dan kontak
missing-documents = dokumen

# E-mail
email-resume-subject = Lanjutkan pengajuan klaim JHT Anda
email-resume-body =
    Yth. { $name },

    Anda telah memulai pengajuan klaim Jaminan Hari Tua di Lapak. Jawaban dan dokumen Anda tersimpan selama { $days } hari sejak perubahan terakhir. Untuk melanjutkan kapan saja, buka tautan ini:

    { $link }

    Jangan bagikan tautan ini kepada siapa pun: siapa pun yang memilikinya dapat melanjutkan pengajuan Anda.

    Bila Anda tidak memulai pengajuan, abaikan email ini.
email-submitted-subject = Klaim JHT Anda telah diajukan: { $number }
email-submitted-body =
    Yth. { $name },

    Klaim Jaminan Hari Tua Anda telah kami terima dengan nomor klaim { $number }.

    Jadwal wawancara verifikasi Anda dibuat otomatis dan dikirim kepada Anda lewat email dan WhatsApp begitu ditetapkan. Siapkan dokumen asli untuk ditunjukkan kepada petugas.

    Lacak klaim Anda dengan nomor klaim dan tanggal lahir Anda: { $link }

## Appointments
appointment-title = Jadwal verifikasi
appointment-when = Waktu
appointment-how = Cara
appointment-where = Tempat
appointment-link = Tautan panggilan video
appointment-seat = Bilik
appointment-prepare = Yang perlu disiapkan
mode-video_call = Panggilan video satu per satu
mode-one_to_many = One to Many di kantor cabang (bilik dengan layar)
mode-counter = Loket satu per satu di kantor cabang
mode-collective = Sesi kolektif perusahaan
prepare-video_call = Dokumen asli, KTP-el, dan ponsel atau komputer berkamera. Buka tautan panggilan video tepat waktu.
prepare-one_to_many = Datang 10 menit lebih awal dengan dokumen asli dan KTP-el. Duduk di bilik yang tertulis; petugas menyapa Anda lewat layar.
prepare-counter = Datang 10 menit lebih awal dengan dokumen asli dan KTP-el, dan jaga jarak di ruang tunggu.
prepare-collective = Perwakilan perusahaan membawa surat kuasa dan dokumen asli para pekerja.
email-scheduled-subject = Jadwal verifikasi klaim JHT Anda: { $when }
email-scheduled-body =
    Yth. { $name },

    Wawancara verifikasi klaim { $number } dijadwalkan pada { $when }.

    Cara: { $how }
    Tempat: { $place }

    Yang perlu disiapkan: { $prepare }

    Undangan kalender terlampir. Lacak atau ubah jadwal di: { $link }
field-service = Cara wawancara verifikasi
hint-service = Jadwal diberikan langsung setelah Anda mengirim klaim, paling cepat hari kerja berikutnya.
service-video_call = Panggilan video dengan kantor cabang pilihan
service-video_call_anywhere = Panggilan video, jadwal tercepat dari kantor cabang mana pun
service-one_to_many = Datang ke kantor cabang: One to Many (bilik berlayar)
service-counter = Datang ke kantor cabang: loket satu per satu
err-service-unknown = Pilih cara wawancara dari daftar
err-service-not-offered = Kantor cabang ini tidak menyediakan cara tersebut. Pilih panggilan video atau kantor cabang lain.
appointment-move = Pindahkan jadwal
claim-cancel = Batalkan klaim
reschedule-title = Pilih jadwal lain
reschedule-choose = Jadwal yang masih tersedia
reschedule-none = Belum ada jadwal lain yang tersedia dalam 14 hari ke depan. Jadwal Anda tetap berlaku.
reschedule-submit = Pindahkan ke jadwal ini
rescheduled-title = Jadwal dipindahkan
rescheduled-body = Jadwal baru Anda: { $when }. Email dengan undangan kalender yang baru sedang dikirim.
cancel-title = Batalkan klaim?
cancel-body = Klaim { $number } akan dibatalkan dan jadwal Anda diberikan kepada peserta lain. Anda dapat mengajukan klaim baru kapan saja.
cancel-confirm = Ya, batalkan klaim
cancel-keep = Tidak, kembali ke pelacakan
cancelled-title = Klaim dibatalkan
cancelled-body = Klaim { $number } telah dibatalkan. Anda dapat mengajukan klaim baru kapan saja.
err-slot-taken = Jadwal itu baru saja terisi. Pilih jadwal lain.
err-capacity-zone = Zona waktu harus zona Indonesia (Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura)
err-capacity-no-officers = Kantor belum punya petugas
err-capacity-no-modes = Kantor belum menawarkan cara layanan apa pun
err-capacity-duplicate-mode = Satu cara layanan tercantum dua kali
err-capacity-seats = One to Many memerlukan 4–6 bilik; cara lain 1 kursi
err-capacity-slot-length = Lama sesi harus 5–240 menit
err-capacity-officer-id = Kode petugas (nama pengguna petugas) hanya huruf, angka, titik, - atau _, paling banyak 32
err-capacity-duplicate-officer = Seorang petugas tercantum dua kali
err-capacity-time = Jam harus berbentuk JJ:MM antara 00:00 dan 24:00
err-capacity-hours = Jam kerja petugas berakhir sebelum dimulai atau terlalu pendek untuk satu sesi
err-capacity-weekdays = Petugas belum punya hari kerja (1 = Senin … 7 = Minggu)
err-capacity-mode-not-offered = Petugas ditugaskan pada cara layanan yang tidak ditawarkan kantor
err-capacity-room = Ruang tunggu lebih kecil dari jumlah kursi sesi di kantor pada saat yang sama
email-reminder-subject = Pengingat: wawancara verifikasi besok, { $when }
email-reminder-body =
    Yth. { $name },

    Mengingatkan: wawancara verifikasi klaim { $number } besok, { $when }.

    Cara: { $how }
    Tempat: { $place }

    Yang perlu disiapkan: { $prepare }

    Berhalangan? Pindahkan jadwal di: { $link }
text-scheduled = BPJS Ketenagakerjaan: wawancara verifikasi klaim JHT { $number } dijadwalkan { $when }, { $how }, { $place }. Lihat atau ubah: { $link }
text-reminder = BPJS Ketenagakerjaan: pengingat, wawancara verifikasi klaim { $number } besok { $when }, { $how }, { $place }. Bawa dokumen asli. { $link }
err-admin-off = API admin kantor tidak aktif (atur LAPAK_ADMIN_TOKEN)
err-unauthorized = Token admin tidak ada atau salah
err-capacity-invalid = Kapasitas ditolak; perbaiki semua masalah yang tercantum
err-capacity-none = Kantor ini belum punya kapasitas
text-ticket-called = BPJS Ketenagakerjaan: nomor antrean { $number }, silakan masuk sekarang ke { $place }. { $link }
optional = tidak wajib
kiosk-title = Ambil nomor antrean
kiosk-lead = Untuk peserta yang datang tanpa jadwal. Anda akan dipanggil masuk ketika ruang tunggu cukup untuk menjaga jarak.
kiosk-hint = Isi bila ingin dipanggil lewat WhatsApp/SMS sehingga dapat menunggu di luar.
kiosk-take = Ambil nomor
kiosk-elsewhere = Nomor antrean diberikan di kios kantor cabang ini. Halaman ini tidak memberikan nomor di perangkat lain.
kiosk-online = Tidak perlu datang: ajukan klaim daring dan dapatkan jadwal wawancara
kiosk-devices-title = Kios antrean
kiosk-devices-lead = Hanya kios kantor ini yang memberikan nomor antrean (/cabang/{ $code }/tiket). Untuk menjadikan sebuah perangkat kios, buka halaman ini di perangkat itu, beri nama, lalu pilih tombol di bawah; Anda akan keluar dari akun petugas di perangkat itu.
kiosk-none = Kantor ini belum memiliki kios.
kiosk-enrolled = didaftarkan oleh { $by }, { $since }
kiosk-withdraw = Cabut
kiosk-unnamed = (tanpa nama)
kiosk-new-name = Nama perangkat ini
kiosk-new-name-hint = Nama yang membedakannya dari kios lain, misalnya "Kios pintu masuk".
kiosk-default-name = Kios { $n }
err-kiosk-name = Beri nama perangkat ini, paling banyak { $max } karakter.
kiosk-enrol = Jadikan perangkat ini kios
kiosk-revoke = Cabut semua kios kantor ini
ticket-title = Nomor antrean
ticket-scan = Pindai untuk membuka halaman ini di ponsel Anda
ticket-keep = Biarkan halaman ini terbuka: status di atas diperbarui sendiri setiap 30 detik.
ticket-kiosk-next = Layar ini kembali ke pengambilan nomor dalam satu menit. Catat nomor Anda atau pindai kode QR untuk mengikuti antrean di ponsel.
ticket-kiosk-done = Selesai, kembali ke pengambilan nomor
ticket-kiosk-soon = Layar ini kembali ke pengambilan nomor dalam 20 detik.
ticket-kiosk-stay = Tetap di halaman ini
ticket-waiting = Menunggu di luar
ticket-waiting-detail = { $ahead } orang sebelum Anda; perkiraan { $minutes } menit. Anda akan dipanggil masuk.
ticket-called = Silakan masuk
ticket-called-detail = Ruang tunggu cukup untuk Anda sekarang. Masuk dan tunggu nomor Anda dipanggil ke loket atau bilik.
ticket-serving = Sedang dilayani
ticket-serving-detail = Petugas sedang melayani Anda.
ticket-done = Selesai
ticket-done-detail = Layanan Anda telah selesai. Terima kasih.
ticket-left = Tidak hadir saat dipanggil
ticket-left-detail = Anda tidak masuk ketika dipanggil. Ambil nomor baru bila masih ingin dilayani.
board-title = Papan antrean
board-room = Di dalam ruang
board-serving = Sedang dilayani
board-called = Silakan masuk
board-waiting = Menunggu
board-none = Tidak ada
err-ticket-state = Nomor antrean itu tidak dalam keadaan yang memungkinkan langkah ini
video-title = Panggilan video verifikasi
video-not-yet = Tautan ini dapat dibuka mulai 15 menit sebelum jadwal Anda: { $when }.
video-ended = Sesi ini sudah berakhir ({ $when }). Lihat jadwal Anda di halaman pelacakan.
video-participant = Peserta
staff-sign-in-title = Masuk petugas
staff-sign-in-lead = Untuk petugas BPJS Ketenagakerjaan. Setiap akun memerlukan kode dari aplikasi autentikator.
staff-username = Nama pengguna
staff-password = Kata sandi
staff-sign-in = Masuk
staff-code-title = Kode verifikasi
staff-code-lead = Masukkan 6 angka dari aplikasi autentikator Anda, atau salah satu kode pemulihan.
staff-code = Kode
staff-enrol-title = Aktifkan verifikasi dua langkah
staff-enrol-lead = Pindai kode QR dengan aplikasi autentikator (Google Authenticator, Microsoft Authenticator, FreeOTP), lalu masukkan kode 6 angka yang muncul.
staff-enrol-qr = Kode QR untuk aplikasi autentikator
staff-enrol-manual = Atau ketik kunci ini:
staff-enrol-confirm = Aktifkan
staff-recovery-title = Simpan kode pemulihan Anda
staff-recovery-lead = Setiap kode dapat dipakai satu kali bila ponsel Anda hilang. Kode ini hanya ditampilkan sekarang: cetak atau simpan di tempat aman.
staff-continue = Lanjut
staff-home-title = Beranda petugas
staff-today = Sesi hari ini
staff-no-sessions = Belum ada sesi terjadwal hari ini.
staff-col-time = Waktu
staff-col-officer = Petugas
staff-col-mode = Cara
staff-col-seats = Kursi terisi
staff-sign-out = Keluar
staff-national = Seluruh Indonesia
staff-role-officer = Petugas layanan
staff-role-supervisor = Supervisor
staff-role-branch_admin = Admin kantor cabang
staff-role-finance = Keuangan
staff-role-national_admin = Admin nasional
staff-role-auditor = Auditor
err-staff-credentials = Nama pengguna, kata sandi, atau kode tidak sesuai.
err-staff-locked = Akun dikunci sementara setelah terlalu banyak percobaan gagal. Coba lagi 15 menit lagi.
err-staff-session-ended = Sesi Anda berakhir. Silakan masuk kembali.
err-staff-csrf = Formulir ini kedaluwarsa. Muat ulang halaman dan coba lagi.
err-staff-enrol-first = Aktifkan verifikasi dua langkah terlebih dahulu.
err-staff-enrolled = Verifikasi dua langkah sudah aktif.
err-staff-username = Nama pengguna 3–32 huruf kecil, angka, titik, - atau _.
err-staff-username-taken = Nama pengguna itu sudah dipakai.
err-staff-password = Kata sandi paling sedikit 12 karakter.
err-staff-name = Isi nama petugas.
err-staff-branch = Peran ini memerlukan kantor cabang yang terdaftar.
session-title = Sesi verifikasi
session-seat = Kursi
session-mother = Nama ibu kandung
session-state = Keadaan klaim
session-documents = Dokumen (periksa satu per satu)
session-decision = Keputusan
decision-verify = Terverifikasi
decision-needs_documents = Perlu perbaikan dokumen
decision-reject = Ditolak
session-reason = Alasan (wajib untuk perbaikan dan penolakan)
session-note = Catatan untuk peserta
session-save = Simpan keputusan
session-saved = Keputusan disimpan.
session-empty = Belum ada peserta di sesi ini.
reason-document-unreadable = Dokumen tidak terbaca
reason-document-missing = Dokumen kurang
reason-identity-mismatch = Identitas tidak sesuai dengan dokumen
reason-account-holder = Rekening bukan atas nama peserta
reason-not-eligible = Tidak memenuhi syarat
reason-other = Lainnya (lihat catatan)
err-staff-forbidden = Anda tidak berwenang untuk ini. Percobaan ini dicatat.
err-decision = Pilih keputusan.
err-decision-reason = Pilih alasan dari daftar untuk perbaikan atau penolakan.
error-decision-title = Keputusan tidak disimpan
err-decision-stale = Klaim ini sudah diputuskan atau berubah sejak halaman dibuka. Muat ulang halaman untuk melihat keadaannya sekarang.
approvals-title = Persetujuan klaim
approvals-empty = Tidak ada klaim terverifikasi yang menunggu persetujuan.
approvals-gross = Manfaat JHT sebelum pajak
approvals-tax = Pajak (PP 68/2009)
approvals-net = Dibayarkan
approvals-verified-by = Diverifikasi oleh
approvals-reason = Alasan (wajib untuk mengembalikan atau menolak)
decision-approve = Setujui
decision-send_back = Kembalikan ke petugas
err-approval-refused = Keputusan ini tidak dapat disimpan: klaim sudah berubah, alasan belum diisi, atau Anda yang memverifikasinya.
audit-title = Jejak audit
audit-intact = Rantai jejak audit utuh ({ $entries } catatan).
audit-broken = Rantai jejak audit RUSAK mulai catatan nomor { $seq }.
audit-full-intact = Pemeriksaan seluruh rantai terakhir { $when }: utuh ({ $entries } catatan). Lapak memeriksa seluruhnya setiap hari; catatan sesudahnya diperiksa setiap kali halaman ini dibuka.
audit-full-broken = Pemeriksaan seluruh rantai terakhir { $when }: RUSAK mulai catatan nomor { $seq }.
audit-full-none = Seluruh rantai belum pernah diperiksa: Lapak memeriksanya saat mulai dan setiap hari, atau jalankan lapak audit verify.
audit-search = Cari (petugas, tindakan, objek)
audit-search-hint = Nama pengguna petugas, atau id objek (klaim, dokumen, batch) yang ditulis lengkap, dicari di seluruh jejak; bagian dari kata dicari di 100.000 catatan terbaru.
audit-find = Cari
audit-when = Waktu (UTC)
audit-who = Siapa
audit-what = Tindakan
audit-object = Objek
audit-detail = Rincian
email-needs-documents-subject = Klaim JHT { $number }: mohon lengkapi dokumen
email-needs-documents-body =
    Yth. { $name },

    Petugas memeriksa klaim { $number } dan memerlukan perbaikan dokumen. Alasannya tertulis di halaman pelacakan klaim Anda.

    Buka tautan ini untuk mengunggah dokumen yang diminta lalu kirim kembali klaim Anda. Klaim Anda tetap pada urutannya:

    { $link }

    Jangan bagikan tautan ini kepada siapa pun.
capacity-title = Kapasitas kantor
capacity-preview = Pengaruh pada kursi 7 hari ke depan
capacity-day = Hari
capacity-now = Kursi sekarang
capacity-new = Kursi dengan perubahan
capacity-check = Periksa
capacity-save = Simpan
capacity-saved = Kapasitas disimpan. Jadwal baru memakai pengaturan ini.
decision-no_show = Tidak hadir (beri jadwal berikutnya)
session-ask-documents = Dokumen yang diminta ulang (untuk perbaikan dokumen)
documents-asked = Petugas meminta dokumen di bawah ini, paling lambat { $date }.
track-asked = Dokumen yang diminta
track-asked-due = Kirim paling lambat
capacity-modes = Cara layanan yang ditawarkan
capacity-slot = Lama sesi (menit)
capacity-booths = Jumlah bilik (4–6)
capacity-room = Kapasitas ruang tunggu dengan jaga jarak (orang)
capacity-closed = Hari kantor tutup selain libur nasional (TTTT-BB-HH, dipisah koma)
capacity-officers = Petugas
capacity-officers-hint = Kode petugas adalah nama pengguna petugas. Isi baris kosong untuk menambah petugas; kosongkan kode untuk menghapus. Jam dalam zona waktu kantor.
capacity-officer = Petugas
capacity-officer-name = Nama
capacity-start = Mulai (JJ:MM)
capacity-end = Selesai (JJ:MM)
capacity-absent = Tidak bertugas pada (TTTT-BB-HH, dipisah koma)
err-capacity-field = Isian tidak terbaca: { $value }
day-mon = Sen
day-tue = Sel
day-wed = Rab
day-thu = Kam
day-fri = Jum
day-sat = Sab
day-sun = Min
session-page = halaman
session-missing = Belum ada

## Klaim kolektif
collective-title = Klaim kolektif perusahaan
collective-lead = Perusahaan skala { $scale } atau lebih besar yang memutus hubungan kerja paling sedikit { $threshold }% tenaga kerjanya (termasuk PHK { $window } hari terakhir) dapat menunjuk satu perwakilan untuk mengajukan klaim JHT semua pekerja yang di-PHK. Setiap pekerja tetap memegang klaimnya sendiri: mereka menerima nomor klaim, dapat melacaknya, dan dapat menolak atau mengajukan sendiri.
collective-steps-title = Langkahnya
collective-step-appoint = Perusahaan menunjuk perwakilan dengan surat kuasa dan surat pernyataan yang ditandatangani.
collective-step-confirm = Kantor cabang memeriksa dokumen dan mengaktifkan akun perwakilan (kata sandi dan verifikasi dua langkah).
collective-step-list = Perwakilan mengunggah daftar pekerja dengan templat ini dan surat PHK massal (PDF).
collective-step-file = Lapak memeriksa setiap baris; perwakilan memperbaiki baris yang bermasalah atau mengajukan baris yang sudah benar.
collective-step-session = Perwakilan menghadiri satu sesi kolektif untuk semua pekerja.
collective-sign-in = Masuk sebagai perwakilan
collective-workers-note = Pekerja perusahaan kecil, atau yang ingin mengajukan sendiri:
collective-template-xlsx = Unduh templat (XLSX)
collective-template-csv = Unduh templat (CSV)
collective-register-title = Penunjukan perwakilan perusahaan
collective-register-lead = Isi data perwakilan (PIC) dan unggah surat kuasa dari perusahaan serta surat pernyataan perwakilan yang ditandatangani (PDF, JPG, atau PNG). Kantor cabang perusahaan akan memeriksanya; setelah dikonfirmasi, perwakilan masuk dengan email dan kata sandi ini.
collective-register-send = Kirim penunjukan
collective-register-done = Penunjukan diterima. Kantor cabang akan memeriksa dokumen; Anda menerima email setelah akun dikonfirmasi.
collective-field-pic-name = Nama perwakilan (PIC)
collective-field-password-again = Ulangi kata sandi
collective-field-attorney = Surat kuasa dari perusahaan
collective-field-statement = Surat pernyataan perwakilan yang ditandatangani
collective-field-document-hint = PDF, JPG, atau PNG, paling besar { $mb } MB.
collective-company-title = Perusahaan dan batch klaim
collective-workforce = tenaga kerja
collective-new-batch = Buat batch baru
collective-batches = Batch klaim
collective-no-batches = Belum ada batch.
collective-col-created = Dibuat
collective-col-workers = Pekerja diajukan
collective-batch-open = Belum diajukan
collective-batch-filed = Diajukan
collective-batch-title = Batch klaim kolektif
collective-entitlement = Apakah perusahaan berhak atas jalur kolektif?
collective-computation-ok = { $laid_off } dari { $workforce } tenaga kerja = { $percent }%: memenuhi syarat minimal { $threshold }%
collective-computation-under = { $laid_off } dari { $workforce } tenaga kerja = { $percent }%: di bawah { $threshold }%
collective-refusal-share = Jalur kolektif hanya untuk PHK paling sedikit 30% tenaga kerja. Para pekerja tetap dapat mengajukan klaim masing-masing secara daring.
collective-refusal-scale = Jalur kolektif hanya untuk perusahaan skala menengah dan besar. Para pekerja dapat mengajukan klaim masing-masing secara daring.
collective-refusal-workforce = Jumlah tenaga kerja perusahaan belum tercatat; hubungi kantor cabang.
collective-individual-channel = Pengajuan perorangan
collective-list-title = Daftar pekerja
collective-list-lead = Unggah XLSX atau CSV sesuai templat (kolom: NIK, KPJ, nama, tanggal lahir, tanggal PHK, bank, nomor rekening, pemilik rekening, email, nomor HP). Setiap unggahan disimpan sebagai versi baru. Batch yang belum diajukan dan tidak mendapat unggahan daftar selama { $days } hari akan dihapus.
collective-list-file = Berkas daftar pekerja (XLSX atau CSV)
collective-list-upload = Unggah dan periksa
collective-letter-title = Surat PHK massal
collective-letter-lead = Unggah surat PHK massal (PDF).
collective-letter-present = Surat PHK sudah diunggah; unggah lagi untuk menggantinya.
collective-letter-file = Surat PHK (PDF)
collective-letter-upload = Unggah surat
collective-report-title = Hasil pemeriksaan
collective-version = Versi
collective-of = dari
collective-rows-valid = baris siap diajukan
collective-report-download = Unduh laporan (XLSX)
collective-report-more = Daftar di atas terpotong; laporan lengkap ada di berkas XLSX.
collective-submit-lead = Ajukan klaim untuk baris yang sudah benar; baris lain dapat diperbaiki dan diajukan di batch berikutnya.
collective-submit = Ajukan klaim
collective-versions = Semua versi
collective-filed-title = Klaim yang diajukan
collective-session = Sesi kolektif
collective-session-pending = Sesi kolektif sedang dijadwalkan; halaman ini menampilkannya segera setelah ada.
collective-export = Unduh status pekerja (XLSX)
collective-saved-list = Daftar pekerja diperiksa dan disimpan sebagai versi baru.
collective-saved-letter = Surat PHK disimpan.
collective-saved-filed = Klaim diajukan. Setiap pekerja menerima pesan dengan nomor klaim dan tautan pelacakannya.
collective-worker-title = Klaim JHT yang diajukan perusahaan Anda
collective-worker-state = Status
collective-worker-track = Lacak klaim ini
collective-worker-choice-title = Bukan yang Anda inginkan?
collective-worker-choice-lead = Anda memegang klaim ini. Anda dapat menolak pengajuan oleh perusahaan, atau membatalkannya dan mengajukan sendiri.
collective-worker-object = Saya keberatan; batalkan klaim ini
collective-worker-individual = Batalkan dan saya ajukan sendiri
collective-worker-send = Kirim pilihan
collective-worker-done-object = Klaim ini dibatalkan sesuai keberatan Anda.
representatives-title = Penunjukan perwakilan perusahaan
representatives-empty = Tidak ada penunjukan yang menunggu.
representatives-sent = Dikirim
representatives-confirm = Konfirmasi: dokumen sah, buat akun perwakilan
representatives-refuse = Tolak: dokumen tidak sah atau tidak lengkap
representative-saved-confirmed = Perwakilan dikonfirmasi; akun dibuat dan email dikirim.
representative-saved-refused = Penunjukan ditolak; email dikirim.
staff-batch-title = Verifikasi batch kolektif
staff-batch-lead = Satu keputusan untuk seluruh batch: semua pekerja terverifikasi, kecuali yang Anda tandai perlu perbaikan dokumen atau ditolak (dengan alasan).
staff-batch-exception = Keputusan
staff-batch-document = Dokumen yang diminta
staff-batch-decide = Simpan keputusan batch
staff-batch-no-letter = Surat PHK belum diunggah.
staff-representatives = Penunjukan perwakilan perusahaan
staff-role-company_representative = Perwakilan perusahaan
report-line = Baris
report-column = Kolom
report-reason = Alasan
report-status = Status
report-missing = Dokumen yang kurang
scale-kecil = kecil
scale-menengah = menengah
scale-besar = besar
field-npp = NPP (nomor pendaftaran perusahaan)
err-npp-format = Masukkan NPP: 8 digit
err-npp-unknown = NPP ini tidak terdaftar
err-representative-email-taken = Email ini sudah dipakai untuk akun lain
err-password-repeat = Kata sandi tidak sama
err-list-empty = Berkas kosong atau tidak berisi baris pekerja
err-list-type = Berkas harus XLSX atau CSV (simpan dari Excel/LibreOffice sebagai .xlsx atau "CSV UTF-8")
err-list-macro = Buku kerja berisi makro ditolak. Simpan sebagai .xlsx biasa (bukan .xlsm) lalu unggah lagi.
err-list-too-many-rows = Daftar lebih dari { $limit } baris. Bagi menjadi beberapa batch.
err-list-no-header = Baris judul kolom tidak ditemukan. Kolom yang belum ada: { $missing }. Gunakan judul seperti templat: { $expected }.
err-list-sheets-read = Lembar yang dibaca: { $sheets }.
err-list-encoding = Berkas bukan teks UTF-8: simpan sebagai "CSV UTF-8"
err-list-unreadable = Berkas rusak atau tidak dapat dibaca sebagai XLSX/CSV
err-list-too-large = Berkas lebih besar dari { $list_mb } MB. Bagi daftar menjadi beberapa batch, atau ZIP dokumen menjadi beberapa ZIP.
err-list-nik-number = NIK tersimpan sebagai angka sehingga digit terakhir hilang. Format kolom NIK sebagai Teks lalu ketik ulang NIK.
err-list-no-valid-rows = Belum ada baris yang siap diajukan
err-letter-pdf = Surat PHK harus PDF
err-letter-required = Unggah surat PHK massal terlebih dahulu
err-collective-not-entitled = Perusahaan belum memenuhi syarat jalur kolektif (lihat perhitungan)
err-collective-recheck = Sebagian pekerja baru saja mengajukan klaim sendiri. Unggah ulang daftar untuk pemeriksaan baru.
err-collective-not-registered = KPJ tidak terdaftar
err-collective-identity-mismatch = Tidak cocok dengan data kepesertaan
err-collective-other-company = Pekerja tidak terdaftar sebagai tenaga kerja perusahaan ini
err-collective-waiting-period = Belum satu bulan sejak tanggal PHK
err-collective-no-balance = Saldo JHT kosong
err-collective-layoff-before-membership = Tanggal PHK sebelum awal kepesertaan
err-bank-unknown-code = Kode bank tidak dikenal
err-duplicate-in-file = Tercantum lebih dari sekali dalam berkas
err-nik-birth-mismatch = Tanggal lahir tidak sesuai dengan NIK
email-collective-filed-subject = Klaim JHT { $number } diajukan oleh { $company }
email-collective-filed-body = Halo { $name },

    { $company } mengajukan klaim JHT atas nama Anda melalui jalur kolektif. Nomor klaim Anda: { $number }.

    Lacak klaim Anda (dengan nomor klaim dan tanggal lahir): { $track }

    Dana dibayarkan hanya ke rekening atas nama Anda. Jika Anda keberatan, atau ingin mengajukan sendiri, buka: { $link }
email-representative-confirmed-subject = Akun perwakilan { $company } aktif
email-representative-confirmed-body = Halo { $name },

    Kantor cabang telah mengonfirmasi Anda sebagai perwakilan { $company }. Masuk di { $link } dengan nama pengguna { $username } dan kata sandi yang Anda pilih, lalu aktifkan verifikasi dua langkah.
email-representative-refused-subject = Penunjukan perwakilan { $company } ditolak
email-representative-refused-body = Halo { $name },

    Kantor cabang tidak dapat mengonfirmasi penunjukan Anda sebagai perwakilan { $company } dari dokumen yang dikirim. Periksa surat kuasa dan surat pernyataan, lalu kirim penunjukan baru di { $link }.
text-collective-filed = Lapak: { $company } mengajukan klaim JHT untuk Anda, nomor { $number }. Keberatan atau ingin mengajukan sendiri: { $link }
collective-workers-more = Daftar di atas terpotong; status semua pekerja ada di berkas ekspor.
err-staff-representative = Akun perwakilan perusahaan dibuat saat kantor cabang mengonfirmasi surat kuasa, bukan di sini.
collective-documents-title = Dokumen pekerja
collective-documents-lead = Unggah satu ZIP berisi folder per NIK, misalnya 3273015505900002/ktp.pdf, 3273015505900002/kk.jpg, 3273015505900002/buku-tabungan.pdf, 3273015505900002/kartu-peserta.pdf, 3273015505900002/foto.jpg. Setiap berkas JPG, PNG, atau PDF, paling besar { $mb } MB.
collective-documents-file = ZIP dokumen pekerja
collective-documents-upload = Unggah dokumen
collective-documents-attached = { $count } dokumen dilampirkan ke klaim pekerja.
err-zip-not-zip = Berkas bukan ZIP
err-zip-too-many-entries = ZIP berisi terlalu banyak berkas; bagi menjadi beberapa ZIP
err-zip-too-large = Isi ZIP terlalu besar setelah diekstrak; bagi menjadi beberapa ZIP
err-zip-path = Nama berkas tidak aman (folder di luar ZIP atau tautan); berkas dilewati
err-zip-folder = Berkas harus berada di folder bernama NIK pekerja (16 digit)
err-zip-kind = Jenis dokumen tidak dikenali dari nama berkas; beri nama ktp, kk, buku-tabungan, kartu-peserta, atau foto
err-zip-ratio = Berkas mencurigakan (terkompresi terlalu tinggi); berkas dilewati
err-zip-nik-unknown = NIK ini tidak ada di batch ini
err-zip-before-filing = Dokumen pekerja diunggah setelah klaim diajukan
email-collective-session-subject = Sesi kolektif { $company }: { $when }
email-collective-session-body = Halo { $name },

    Sesi verifikasi kolektif untuk pekerja { $company } dijadwalkan { $when } di { $place }. Anda hadir mewakili semua pekerja dalam batch; bawa surat kuasa dan surat PHK massal asli.

    Status setiap pekerja: { $link }
next-submitted-collective = Perusahaan Anda mengajukan klaim ini lewat jalur kolektif; perwakilan perusahaan akan menghadiri sesi verifikasi untuk semua pekerja.
next-scheduled-collective = Perwakilan perusahaan Anda menghadiri sesi verifikasi kolektif pada jadwal di bawah. Anda tidak perlu datang kecuali diminta.
