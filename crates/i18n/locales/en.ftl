# English (second language).
service-name = Lapak
service-tagline = Contactless old-age savings (JHT) claims
switch-language = Bahasa Indonesia
skip-to-content = Skip to content
home-title = Claim your JHT without queues or contact
home-lead = File your old-age savings (JHT) claim from your phone, upload your documents and take the verification interview by video call. Every accepted claim gets an appointment straight away.
home-channels-title = Three ways to claim
home-channel-online = Online: fill in the form and upload documents from your phone, then a verification interview by video call.
home-channel-branch = At a branch office: One to Many service, one officer serving 4–6 participants in booths with screens, with physical distancing.
home-channel-collective = Collective claim: a company that laid off at least 30% of its workers files for them through one representative (PIC).
home-prepare-title = Prepare your documents
home-prepare-body = Participant card (KPJ), e-KTP, family card, bank passbook, proof of stopping work, tax number (NPWP) if the balance is above Rp50 million, and a recent photo of yourself. JPG, PNG or PDF files.
footer-note = Lapak is open-source software. Your personal data is encrypted and every access by staff is recorded.
error-not-found-title = Page not found
error-not-found-body = Check the address you typed, or go back to the home page.
error-too-large-title = The file is too large
error-too-large-body = What you sent is larger than Lapak accepts: each file at most { $mb } MB. Go back, choose a smaller file (a photo at a lower resolution, or a PDF of fewer pages) and send it again. What you entered before is kept.
error-bad-request-title = This request could not be read
error-bad-request-body = The address or the form may be damaged. Go back and try again, or start from the home page. What you entered before is kept.
error-overloaded-title = The service is busy
error-overloaded = The service is very busy. Please try again in a few seconds; what you have entered is kept.
error-internal-title = Something went wrong
error-internal = Something went wrong on our side. Your data is not lost; please try again.
error-unavailable-title = The service is temporarily unavailable
error-unavailable = The service cannot reach its data storage at the moment. Nothing already saved is lost; please try again in half a minute.
error-forbidden-title = Not allowed
error-cross-site-title = The form was not accepted
error-cross-site = This form was sent from another site, so it was not accepted. Open Lapak directly and try again; what you have entered is kept.
back-home = Back to the home page

# Participant journey
nav-start = File a claim
nav-track = Track a claim
continue = Continue
change = Change
submit = Submit
error-prefix = Error
table-scroll = Table: scroll sideways to see every column
error-summary-title = There is a problem
home-start-button = File a JHT claim
home-track-link = Track a claim you have filed
identity-title = Who are you?
identity-lead = Fill these in as on your ID card and participant card. We check them against the membership records.
resume-link-expired = This link no longer works: newer links have replaced it, a claim not sent and not changed for a long time was deleted, or the claim was sent long ago (follow it under Track a claim, with its number and your date of birth). Fill in your details below: you come back to your saved claim, or start a new one if it was deleted.
field-nik = NIK (national identity number)
hint-nik = 16 digits, on your ID card
field-kpj = KPJ number
hint-kpj = 11 digits, on your participant card
field-full_name = Full name
field-birth_date = Date of birth
hint-date = For example: 15/05/1990
tasks-title = Your JHT claim
tasks-lead = Your answers are saved each time you press Continue. You can stop and carry on at any time from the link in your e-mail. A claim not yet sent and not changed for { $days } days is deleted.
task-identity = Identity
task-cause = Reason for the claim
task-payment = Bank account and contact
task-documents = Documents
task-review = Check and submit
status-done = Completed
status-todo = Not started
status-cannot = Cannot start yet
cause-title = Why are you claiming?
field-cause = Reason
field-last_working_day = Last working day
hint-last_working_day = For resignation, layoff and end of contract. For example: 30/09/2026
cause-resignation = Resignation
cause-layoff = Layoff (PHK)
cause-end_of_contract = End of a fixed-term contract
cause-retirement_age = Reached pension age (56)
cause-total_permanent_disability = Total permanent disability
cause-death = Death (filed by the heirs)
cause-leaving_indonesia = Leaving Indonesia permanently
cause-partial_10 = Partial claim of 10% (retirement preparation)
cause-partial_30 = Partial claim of 30% (housing)
decision-eligible = You can claim now.
decision-not-yet = You can claim from { $date }.
decision-refused = This claim cannot be made.
decision-not-yet-note = You can prepare your answers and documents now; the claim can be submitted from that date.
ground-waiting_period_over = More than one month has passed since your last working day ({ $lwd }).
ground-waiting_period = One month after your last working day ({ $lwd }).
ground-pension_age_reached = You have reached pension age.
ground-below_pension_age = A pension-age claim can be made on your 56th birthday.
ground-proven_by_documents = Proven by documents at verification.
ground-membership_long_enough = You have been a member for at least 10 years.
ground-membership_under_minimum = A partial claim needs at least 10 years of membership.
ground-earlier_partial_claim = A partial claim can be taken only once.
ground-stopped_working_claim_in_full = You have stopped working: make a full claim (resignation, layoff or end of contract).
ground-last_working_day_required = Enter your last working day.
ground-last_working_day_before_membership = The last working day cannot be before you became a member.
ground-open_claim_exists = Another claim for this KPJ is still in progress.
ground-no_balance = Your JHT balance is empty.
estimate-title = Estimated payment
estimate-gross = Before tax
estimate-tax = Tax (PP 68/2009)
estimate-net = You receive
estimate-npwp = Because the amount is above Rp50,000,000, an NPWP (tax number) is required.
payment-title = Bank account and contact
payment-lead = Payment goes only to an account in your own name.
field-bank_code = Bank
field-account_number = Account number
field-account_holder = Account holder's name
hint-account_holder = As written in the passbook
field-email = E-mail
field-whatsapp = WhatsApp number
hint-whatsapp = For example: 0812 3456 7890
field-npwp = NPWP (tax number)
hint-npwp = Required if the payment is above Rp50,000,000
field-branch = Branch office for the interview
choose = Choose
documents-title = Upload documents
documents-lead = JPG, PNG or PDF, at most { $mb } MB per file. Documents with several pages can be uploaded one page at a time.
documents-uploaded = Uploaded
documents-missing = Not uploaded yet
documents-optional = If you have one
field-file = Choose a file
upload = Upload
remove = Remove
doc-kpj_card = Participant card (KPJ)
doc-ektp = ID card (e-KTP)
doc-family_card = Family card (KK)
doc-passbook = Bank passbook (first page)
doc-proof_of_stopping_work = Proof of stopping work (reference letter, termination letter, contract or court ruling)
doc-pension_letter = Pension letter
doc-disability_certificate = Doctor's certificate of total permanent disability
doc-death_certificate = Death certificate
doc-heir_certificate = Heir certificate
doc-heir_identity = Heir's ID card
doc-leaving_indonesia_statement = Statement of no longer working in Indonesia
doc-passport = Passport
doc-employment_letter = Letter confirming current employment
doc-housing_documents = Property sale agreement/deed or home-loan documents
doc-npwp = NPWP (tax number card)
doc-photo = A recent photo of yourself (face, from the front)
review-title = Check your answers
review-declaration = By submitting this claim I confirm that the information and documents I have given are true.
review-not-ready = The claim is not complete yet:
field-kpj-short = KPJ
done-title = Your claim has been submitted
done-number = Your claim number
done-next-title = What happens next
done-next-body = We have sent a receipt to your e-mail. Your verification interview is scheduled automatically, and the time is sent to you by e-mail and WhatsApp as soon as it is set; you can also see it on the tracking page. Have your original documents ready to show the officer.
done-receipt = Print the receipt
receipt-title = JHT claim receipt
receipt-submitted-at = Submitted
receipt-scan = Scan to track the claim
receipt-or-open = or open
print = Print
track-title = Track a claim
track-lead = Enter the claim number and the participant's date of birth.
field-claim_number = Claim number
hint-claim_number = For example: K7M2-9QXD-R
track-button = Track
track-status = Current status
track-history = History
track-next = What happens next
state-draft = Not submitted yet
state-submitted = Submitted
state-scheduled = Scheduled
state-verified = Verified
state-needs_documents = Documents needed
state-rejected = Rejected
state-approved = Approved
state-payment_sent = Payment sent to the bank
state-paid = Paid
state-payment_failed = Payment failed
state-cancelled = Cancelled
next-draft = Complete and submit your claim.
next-submitted = Your verification interview is being scheduled. You will receive the time by e-mail and WhatsApp as soon as it is set.
next-scheduled = Take the verification interview at the time sent to you, with your original documents at hand.
next-verified = Your claim is waiting for approval. You need not do anything.
next-needs_documents = Fix the documents as the officer noted, then submit again from the link in your e-mail.
next-rejected = The claim was rejected for the reason shown. You can file a new claim if your situation changes.
next-approved = The payment is being prepared, within 5 working days.
next-payment_sent = The bank is processing the payment to your account.
next-paid = The money is in your account. The claim is complete.
next-payment_failed = The bank refused the payment. Check your account number; an officer will contact you.
next-cancelled = The claim was cancelled.
err-required = Required
err-required-named = { $field } is required
err-required-fields = These fields are required: { $fields }.
err-nik-length = Enter the 16-digit NIK as on your ID card
err-nik-digits = The NIK contains digits only
err-nik-invalid = This NIK is not valid: check every digit
err-kpj-format = Enter the 11-digit KPJ number
err-name-too-long = The name is too long (at most 150 characters)
err-name-characters = The name may contain letters, spaces and name punctuation only
err-date-format = Enter a real date, for example 15/05/1990
err-date-future = The date cannot be in the future
err-invalid = Some answers need correcting; see the errors listed per field.
err-identity-mismatch = What you entered does not match the membership records. Check the NIK, KPJ number, name and date of birth.
err-rate-limited = Too many attempts. Wait a minute, then try again.
err-open-claim-exists = A claim for this KPJ is already in progress. Track that claim.
err-cause-required = Choose a reason
err-cause-unknown = Choose one of the reasons
err-lwd-required = Enter your last working day
err-bank-unknown = Choose a bank
err-account-digits = The account number contains digits only
err-account-length = The number of digits does not match the chosen bank
err-holder-mismatch = The account must be in your own name
err-email-invalid = Enter an e-mail address like name@example.com
err-phone-invalid = Enter a mobile number, for example 0812 3456 7890
err-npwp-required = An NPWP is required because the payment is above Rp50,000,000
err-npwp-invalid = This NPWP is not valid: 15 digits (99.999.999.9-999.999) or 16 digits
err-branch-unknown = Choose a branch office from the list
err-document-kind = This document is not needed for your reason
err-file-empty = The file is empty: choose another
err-attorney-required = Choose the file of the company's power of attorney
err-statement-required = Choose the file of the representative's signed statement
err-file-too-large = The file is larger than { $mb } MB. Choose a smaller one: a photo at a lower resolution, or a PDF with fewer pages.
err-file-type = The file must be a JPG, PNG or PDF
err-file-corrupt = The file is damaged or incomplete: upload it again
err-file-active-content = The PDF carries scripts, a form with scripts or embedded files, which Lapak does not keep: print it to a new PDF (Print, Save as PDF) or send a photo of the paper
err-claim-number-length = A claim number has 9 characters, for example K7M2-9QXD-R
err-claim-number-characters = A claim number has digits and the letters A–Z (without I, L, O, U)
err-claim-number-typo = There is a typo in the claim number: check it again
err-not-found = There is no claim with that number and date of birth.
err-not-editable = This claim has been submitted and can no longer be changed.
err-incomplete = The claim is not complete.
err-not-eligible = This claim cannot be submitted yet.
err-idempotency-mismatch = This Idempotency-Key was used for another request.
err-idempotency-key-named = { $field } must be 1–255 visible ASCII characters, for example a UUID
err-internal = Something went wrong on our side. Your data is not lost; please try again.
err-unavailable = The service cannot reach its data storage at the moment, so this request could not be served. What you entered is not lost; please try again in half a minute.
err-session = Your claim session was not found. Start again or open the link in your e-mail.
err-claim-token = The claim token is unknown or was replaced by a newer one. Start the claim again (startClaim) to get a new one.
err-token-required = This call needs the claim token from startClaim: send it as Authorization: Bearer <claim_token>.
err-json-expected = Send the body as JSON (Content-Type: application/json).
err-bad-json = The body is not valid JSON.
err-bad-value-named = { $field } has the wrong type or form
err-bad-request = The request could not be read: check the address and its parameters.
err-too-large = The request is larger than this service accepts.
err-no-route = There is no such address in the API: see /api/openapi.json.
err-method-not-allowed = This address does not take this method: the Allow header lists those it takes.
missing-cause = reason for the claim
missing-payment = bank account and contact
missing-documents = documents

# E-mail
email-resume-subject = Continue your JHT claim
email-resume-body =
    Dear { $name },

    You have started a claim for your old-age savings (JHT) on Lapak. Your answers and documents are kept for { $days } days after your last change. To carry on at any time, open this link:

    { $link }

    Do not share this link: anyone who has it can continue your claim.

    If you did not start a claim, ignore this e-mail.
email-submitted-subject = Your JHT claim has been submitted: { $number }
email-submitted-body =
    Dear { $name },

    We have received your old-age savings (JHT) claim with claim number { $number }.

    Your verification interview is scheduled automatically, and the time is sent to you by e-mail and WhatsApp as soon as it is set. Have your original documents ready to show the officer.

    Track your claim with the claim number and your date of birth: { $link }

## Appointments
appointment-title = Verification appointment
appointment-when = When
appointment-how = How
appointment-where = Where
appointment-link = Video call link
appointment-seat = Booth
appointment-prepare = What to prepare
mode-video_call = One-to-one video call
mode-one_to_many = One to Many at the branch (booth with a screen)
mode-counter = One-to-one counter at the branch
mode-collective = Company collective session
prepare-video_call = Your original documents, e-KTP, and a phone or computer with a camera. Open the video call link on time.
prepare-one_to_many = Come 10 minutes early with your original documents and e-KTP. Sit in the booth shown; the officer greets you on the screen.
prepare-counter = Come 10 minutes early with your original documents and e-KTP, and keep your distance in the waiting room.
prepare-collective = The company's representative brings the power of attorney and the workers' original documents.
email-scheduled-subject = Your JHT claim verification appointment: { $when }
email-scheduled-body =
    Dear { $name },

    The verification interview for claim { $number } is scheduled for { $when }.

    How: { $how }
    Where: { $place }

    What to prepare: { $prepare }

    A calendar invitation is attached. Track your claim or change the appointment at: { $link }
field-service = How the verification interview is held
hint-service = You get an appointment as soon as you submit, at the earliest the next working day.
service-video_call = Video call with the branch you chose
service-video_call_anywhere = Video call, the earliest slot of any branch
service-one_to_many = At the branch: One to Many (booth with a screen)
service-counter = At the branch: one-to-one counter
err-service-unknown = Choose how the interview is held from the list
err-service-not-offered = This branch does not offer that. Choose a video call or another branch.
appointment-move = Change the appointment
claim-cancel = Cancel the claim
reschedule-title = Choose another time
reschedule-choose = Times still free
reschedule-none = No other time is free in the next 14 days. Your appointment stays as it is.
reschedule-submit = Move to this time
rescheduled-title = Appointment moved
rescheduled-body = Your new appointment: { $when }. An e-mail with the new calendar invitation is on its way.
cancel-title = Cancel the claim?
cancel-body = Claim { $number } will be cancelled and your appointment given to someone else. You can file a new claim at any time.
cancel-confirm = Yes, cancel the claim
cancel-keep = No, back to tracking
cancelled-title = Claim cancelled
cancelled-body = Claim { $number } has been cancelled. You can file a new claim at any time.
err-slot-taken = That time was just taken. Choose another one.
err-capacity-zone = The time zone must be an Indonesian one (Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura)
err-capacity-no-officers = The branch has no officers
err-capacity-no-modes = The branch offers no service mode
err-capacity-duplicate-mode = A service mode is listed twice
err-capacity-seats = One to Many needs 4–6 booths; other modes 1 seat
err-capacity-slot-length = A session lasts 5–240 minutes
err-capacity-officer-id = Officer codes (their staff usernames) are letters, digits, dots, - or _, at most 32
err-capacity-duplicate-officer = An officer is listed twice
err-capacity-time = Times are HH:MM between 00:00 and 24:00
err-capacity-hours = An officer's hours end before they start or hold no session
err-capacity-weekdays = An officer has no working days (1 = Monday … 7 = Sunday)
err-capacity-mode-not-offered = An officer is assigned a mode the branch does not offer
err-capacity-room = The waiting room is smaller than the seats of the branch's sessions at one time
email-reminder-subject = Reminder: your verification interview tomorrow, { $when }
email-reminder-body =
    Dear { $name },

    A reminder: the verification interview for claim { $number } is tomorrow, { $when }.

    How: { $how }
    Where: { $place }

    What to prepare: { $prepare }

    Cannot make it? Change the appointment at: { $link }
text-scheduled = BPJS Ketenagakerjaan: the verification interview for JHT claim { $number } is on { $when }, { $how }, { $place }. See or change it: { $link }
text-reminder = BPJS Ketenagakerjaan: reminder, the verification interview for claim { $number } is tomorrow { $when }, { $how }, { $place }. Bring your original documents. { $link }
err-admin-off = The branch admin API is off (set LAPAK_ADMIN_TOKEN)
err-unauthorized = The admin token is missing or wrong
err-capacity-invalid = Capacity refused; fix every problem listed
err-capacity-none = This branch has no capacity set
text-ticket-called = BPJS Ketenagakerjaan: ticket { $number }, please come in now to { $place }. { $link }
optional = optional
kiosk-title = Take a queue number
kiosk-lead = For participants who come without an appointment. You are called in when the waiting room has space with distancing.
kiosk-hint = Fill in to be called by WhatsApp/SMS, so you can wait outside.
kiosk-take = Take a number
kiosk-elsewhere = Queue numbers are given at this branch's kiosk. This page gives none on other devices.
kiosk-online = No need to come: file your claim online and get an interview time
kiosk-devices-title = Queue kiosks
kiosk-devices-lead = Only this branch's kiosks give queue numbers (/cabang/{ $code }/tiket). To make a device a kiosk, open this page on that device, give it a name and choose the button below; you are signed out of your staff account on that device.
kiosk-none = This branch has no kiosk yet.
kiosk-enrolled = enrolled by { $by }, { $since }
kiosk-withdraw = Withdraw
kiosk-unnamed = (no name)
kiosk-new-name = Name of this device
kiosk-new-name-hint = A name that tells it from the other kiosks, for example "Entrance kiosk".
kiosk-default-name = Kiosk { $n }
err-kiosk-name = Give this device a name of at most { $max } characters.
kiosk-enrol = Make this device a kiosk
kiosk-revoke = Withdraw all kiosks of this branch
ticket-title = Queue number
ticket-scan = Scan to open this page on your phone
ticket-keep = Keep this page open: the status above updates itself every 30 seconds.
ticket-kiosk-next = This screen goes back to taking a number in one minute. Note your number or scan the QR code to follow the queue on your phone.
ticket-kiosk-done = Done, back to taking a number
ticket-kiosk-soon = This screen goes back to taking a number in 20 seconds.
ticket-kiosk-stay = Stay on this page
ticket-waiting = Waiting outside
ticket-waiting-detail = { $ahead } people before you; about { $minutes } minutes. You will be called in.
ticket-called = Please come in
ticket-called-detail = The waiting room has space for you now. Come in and wait for your number to be called to a counter or booth.
ticket-serving = Being served
ticket-serving-detail = An officer is serving you.
ticket-done = Done
ticket-done-detail = Your visit is complete. Thank you.
ticket-left = Did not come in when called
ticket-left-detail = You did not come in when called. Take a new number if you still need service.
board-title = Queue board
board-room = In the room
board-serving = Being served
board-called = Please come in
board-waiting = Waiting
board-none = None
err-ticket-state = That ticket is not in a state that allows this step
video-title = Verification video call
video-not-yet = This link opens 15 minutes before your appointment: { $when }.
video-ended = This session has ended ({ $when }). See your appointment on the tracking page.
video-participant = Participant
staff-sign-in-title = Staff sign-in
staff-sign-in-lead = For BPJS Ketenagakerjaan staff. Every account needs a code from an authenticator app.
staff-username = Username
staff-password = Password
staff-sign-in = Sign in
staff-code-title = Verification code
staff-code-lead = Enter the 6 digits from your authenticator app, or one of your recovery codes.
staff-code = Code
staff-enrol-title = Turn on two-step verification
staff-enrol-lead = Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP), then enter the 6-digit code it shows.
staff-enrol-qr = QR code for the authenticator app
staff-enrol-manual = Or type this key:
staff-enrol-confirm = Turn on
staff-recovery-title = Keep your recovery codes
staff-recovery-lead = Each code works once if you lose your phone. They are shown only now: print them or keep them somewhere safe.
staff-continue = Continue
staff-home-title = Staff home
staff-today = Today's sessions
staff-no-sessions = No sessions are scheduled today.
staff-col-time = Time
staff-col-officer = Officer
staff-col-mode = Mode
staff-col-seats = Seats taken
staff-sign-out = Sign out
staff-national = All of Indonesia
staff-role-officer = Service officer
staff-role-supervisor = Supervisor
staff-role-branch_admin = Branch admin
staff-role-finance = Finance
staff-role-national_admin = National admin
staff-role-auditor = Auditor
err-staff-credentials = The username, password or code is not right.
err-staff-locked = The account is locked for a while after too many failed attempts. Try again in 15 minutes.
err-staff-session-ended = Your session has ended. Please sign in again.
err-staff-csrf = This form has expired. Reload the page and try again.
err-staff-enrol-first = Turn on two-step verification first.
err-staff-enrolled = Two-step verification is already on.
err-staff-username = Usernames are 3–32 lowercase letters, digits, dots, - or _.
err-staff-username-taken = That username is taken.
err-staff-password = Passwords have at least 12 characters.
err-staff-name = Fill in the staff member's name.
err-staff-branch = This role needs a registered branch office.
session-title = Verification session
session-seat = Seat
session-mother = Mother's maiden name
session-state = Claim state
session-documents = Documents (check each one)
session-decision = Decision
decision-verify = Verified
decision-needs_documents = Needs documents
decision-reject = Rejected
session-reason = Reason (required for documents and rejections)
session-note = Note for the participant
session-save = Save the decision
session-saved = Decision saved.
session-empty = No participants in this session yet.
reason-document-unreadable = A document cannot be read
reason-document-missing = A document is missing
reason-identity-mismatch = The identity does not match the documents
reason-account-holder = The account is not in the participant's name
reason-not-eligible = Not eligible
reason-other = Other (see the note)
err-staff-forbidden = You may not do this. The attempt has been recorded.
err-decision = Choose a decision.
err-decision-reason = Choose a reason from the list for documents or a rejection.
error-decision-title = The decision was not saved
err-decision-stale = This claim was decided or changed since the page was opened. Reload the page to see where it stands now.
approvals-title = Claim approvals
approvals-empty = No verified claims are waiting for approval.
approvals-gross = JHT benefit before tax
approvals-tax = Tax (PP 68/2009)
approvals-net = Paid out
approvals-verified-by = Verified by
approvals-reason = Reason (required to send back or reject)
decision-approve = Approve
decision-send_back = Send back to the officers
err-approval-refused = This decision cannot be saved: the claim has changed, the reason is missing, or you verified it yourself.
audit-title = Audit trail
audit-intact = The audit chain is intact ({ $entries } records).
audit-broken = The audit chain is BROKEN from record { $seq }.
audit-full-intact = Last check of the whole chain { $when }: intact ({ $entries } records). Lapak checks all of it every day; later records are checked each time this page opens.
audit-full-broken = Last check of the whole chain { $when }: BROKEN from record { $seq }.
audit-full-none = The whole chain has not been checked yet: Lapak checks it at start and every day, or run lapak audit verify.
audit-search = Search (staff, action, object)
audit-search-hint = A staff username, or an object's id (claim, document, batch) written in full, is searched in the whole trail; part of a word in the newest 100,000 records.
audit-find = Search
audit-when = When (UTC)
audit-who = Who
audit-what = Action
audit-object = Object
audit-detail = Detail
email-needs-documents-subject = JHT claim { $number }: please complete your documents
email-needs-documents-body =
    Dear { $name },

    The officer checked claim { $number } and needs documents corrected. The reason is on your claim's tracking page.

    Open this link to upload the documents asked for, then send your claim again. Your claim keeps its place in line:

    { $link }

    Do not share this link with anyone.
capacity-title = Branch capacity
capacity-preview = Effect on the seats of the next 7 days
capacity-day = Day
capacity-now = Seats now
capacity-new = Seats with the change
capacity-check = Check
capacity-save = Save
capacity-saved = Capacity saved. New appointments use it.
decision-no_show = Did not come (give the next slot)
session-ask-documents = Documents to send again (when asking for documents)
documents-asked = The officer asked for the documents below, by { $date }.
track-asked = Documents asked for
track-asked-due = Send them by
capacity-modes = Service modes offered
capacity-slot = Session length (minutes)
capacity-booths = Booths (4–6)
capacity-room = Waiting room capacity with distancing (people)
capacity-closed = Days the branch is closed besides national holidays (YYYY-MM-DD, comma separated)
capacity-officers = Officers
capacity-officers-hint = An officer's code is their staff username. Fill in a blank row to add an officer; clear the code to remove one. Hours in the branch's time zone.
capacity-officer = Officer
capacity-officer-name = Name
capacity-start = From (HH:MM)
capacity-end = To (HH:MM)
capacity-absent = Away on (YYYY-MM-DD, comma separated)
err-capacity-field = Cannot read: { $value }
day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
session-page = page
session-missing = Missing

## Collective claims
collective-title = Collective claims by companies
collective-lead = A company of { $scale } scale or larger that lays off at least { $threshold }% of its workforce (counting layoffs of the last { $window } days) may appoint one representative to file the JHT claims of all the laid-off workers. Each worker keeps their own claim: they get a claim number, can track it, and can object or file on their own.
collective-steps-title = The steps
collective-step-appoint = The company appoints a representative with a power of attorney and a signed statement.
collective-step-confirm = The branch checks the documents and activates the representative's account (password and two-step verification).
collective-step-list = The representative uploads the worker list using this template, and the mass termination letter (PDF).
collective-step-file = Lapak checks every row; the representative fixes the rows with problems or files the rows that are right.
collective-step-session = The representative attends one collective session for all the workers.
collective-sign-in = Sign in as a representative
collective-workers-note = Workers of small companies, or who want to file on their own:
collective-template-xlsx = Download the template (XLSX)
collective-template-csv = Download the template (CSV)
collective-register-title = Appointing a company representative
collective-register-lead = Enter the representative's (PIC) details and upload the company's power of attorney and the representative's signed statement (PDF, JPG or PNG). The company's branch checks them; once confirmed, the representative signs in with this e-mail and password.
collective-register-send = Send the appointment
collective-register-done = Appointment received. The branch will check the documents; you get an e-mail once the account is confirmed.
collective-field-pic-name = Representative's name (PIC)
collective-field-password-again = Repeat the password
collective-field-attorney = Power of attorney from the company
collective-field-statement = The representative's signed statement
collective-field-document-hint = PDF, JPG or PNG, { $mb } MB at most.
collective-company-title = Company and claim batches
collective-workforce = workers
collective-new-batch = New batch
collective-batches = Claim batches
collective-no-batches = No batches yet.
collective-col-created = Created
collective-col-workers = Workers filed
collective-batch-open = Not filed yet
collective-batch-filed = Filed
collective-batch-title = Collective claim batch
collective-entitlement = Is the company entitled to the collective channel?
collective-computation-ok = { $laid_off } of { $workforce } workers = { $percent }%: meets the minimum of { $threshold }%
collective-computation-under = { $laid_off } of { $workforce } workers = { $percent }%: under { $threshold }%
collective-refusal-share = The collective channel is for layoffs of at least 30% of the workforce. The workers can still file their own claims online.
collective-refusal-scale = The collective channel is for medium and large companies. The workers can file their own claims online.
collective-refusal-workforce = The company's workforce is not on record; contact the branch.
collective-individual-channel = Individual claims
collective-list-title = Worker list
collective-list-lead = Upload XLSX or CSV following the template (columns: NIK, KPJ, name, birth date, layoff date, bank, account number, account holder, e-mail, mobile). Each upload is kept as a new version. A batch not filed and given no list for { $days } days is deleted.
collective-list-file = Worker list file (XLSX or CSV)
collective-list-upload = Upload and check
collective-letter-title = Mass termination letter
collective-letter-lead = Upload the mass termination letter (PDF).
collective-letter-present = The termination letter is uploaded; upload again to replace it.
collective-letter-file = Termination letter (PDF)
collective-letter-upload = Upload the letter
collective-report-title = Check result
collective-version = Version
collective-of = of
collective-rows-valid = rows ready to file
collective-report-download = Download the report (XLSX)
collective-report-more = The list above is cut short; the full report is in the XLSX file.
collective-submit-lead = File claims for the rows that are right; the others can be fixed and filed in a later batch.
collective-submit = File the claims
collective-versions = All versions
collective-filed-title = Claims filed
collective-session = Collective session
collective-session-pending = The collective session is being scheduled; this page shows it as soon as it is.
collective-export = Download the workers' status (XLSX)
collective-saved-list = The worker list was checked and kept as a new version.
collective-saved-letter = The termination letter is saved.
collective-saved-filed = Claims filed. Each worker gets a message with their claim number and tracking link.
collective-worker-title = A JHT claim filed by your company
collective-worker-state = Status
collective-worker-track = Track this claim
collective-worker-choice-title = Not what you want?
collective-worker-choice-lead = This claim is yours. You can object to the company filing it, or cancel it and file on your own.
collective-worker-object = I object; cancel this claim
collective-worker-individual = Cancel it and I will file on my own
collective-worker-send = Send my choice
collective-worker-done-object = This claim was cancelled as you objected.
representatives-title = Company representative appointments
representatives-empty = No appointments are waiting.
representatives-sent = Sent
representatives-confirm = Confirm: the documents are valid, create the representative's account
representatives-refuse = Refuse: the documents are not valid or not complete
representative-saved-confirmed = Representative confirmed; the account is created and an e-mail sent.
representative-saved-refused = Appointment refused; an e-mail was sent.
staff-batch-title = Verifying a collective batch
staff-batch-lead = One decision for the whole batch: every worker verified, except those you mark as needing documents or rejected (with a reason).
staff-batch-exception = Decision
staff-batch-document = Document asked for
staff-batch-decide = Save the batch decision
staff-batch-no-letter = The termination letter is not uploaded yet.
staff-representatives = Company representative appointments
staff-role-company_representative = Company representative
report-line = Line
report-column = Column
report-reason = Reason
report-status = Status
report-missing = Documents missing
scale-kecil = small
scale-menengah = medium
scale-besar = large
field-npp = NPP (company registration number)
err-npp-format = Enter the NPP: 8 digits
err-npp-unknown = This NPP is not registered
err-representative-email-taken = This e-mail is already used by another account
err-password-repeat = The passwords are not the same
err-list-empty = The file is empty or has no worker rows
err-list-type = The file must be XLSX or CSV (save from Excel/LibreOffice as .xlsx or "CSV UTF-8")
err-list-macro = Workbooks with macros are refused. Save as a plain .xlsx (not .xlsm) and upload again.
err-list-too-many-rows = The list has more than { $limit } rows. Split it into several batches.
err-list-no-header = No header row found. Columns missing: { $missing }. Use the template's headers: { $expected }.
err-list-sheets-read = Sheets read: { $sheets }.
err-list-encoding = The file is not UTF-8 text: save it as "CSV UTF-8"
err-list-unreadable = The file is damaged or cannot be read as XLSX/CSV
err-list-too-large = The file is larger than { $list_mb } MB. Split the list into several batches, or the documents into several ZIPs.
err-list-nik-number = The NIK is stored as a number, so its last digit is lost. Format the NIK column as Text and type the NIK again.
err-list-no-valid-rows = No row is ready to file yet
err-letter-pdf = The termination letter must be a PDF
err-letter-required = Upload the mass termination letter first
err-collective-not-entitled = The company does not meet the collective channel's conditions (see the computation)
err-collective-recheck = Some workers have just filed claims on their own. Upload the list again for a fresh check.
err-collective-not-registered = KPJ not registered
err-collective-identity-mismatch = Does not match the membership record
err-collective-other-company = The worker is not registered as this company's employee
err-collective-waiting-period = Less than a month since the layoff date
err-collective-no-balance = The JHT balance is empty
err-collective-layoff-before-membership = The layoff date is before the membership started
err-bank-unknown-code = Unknown bank code
err-duplicate-in-file = Listed more than once in the file
err-nik-birth-mismatch = The birth date does not match the NIK
email-collective-filed-subject = JHT claim { $number } filed by { $company }
email-collective-filed-body = Hello { $name },

    { $company } filed a JHT claim on your behalf through the collective channel. Your claim number: { $number }.

    Track your claim (with the claim number and your birth date): { $track }

    The money is paid only into an account in your own name. If you object, or want to file on your own, open: { $link }
email-representative-confirmed-subject = Representative account for { $company } is active
email-representative-confirmed-body = Hello { $name },

    The branch has confirmed you as the representative of { $company }. Sign in at { $link } with the username { $username } and the password you chose, then set up two-step verification.
email-representative-refused-subject = Representative appointment for { $company } refused
email-representative-refused-body = Hello { $name },

    The branch could not confirm your appointment as the representative of { $company } from the documents sent. Check the power of attorney and the statement, then send a new appointment at { $link }.
text-collective-filed = Lapak: { $company } filed a JHT claim for you, number { $number }. To object or file on your own: { $link }
collective-workers-more = The list above is cut short; every worker's status is in the export file.
err-staff-representative = A company representative's account is made when the branch confirms the power of attorney, not here.
collective-documents-title = Workers' documents
collective-documents-lead = Upload one ZIP with a folder per NIK, e.g. 3273015505900002/ktp.pdf, 3273015505900002/kk.jpg, 3273015505900002/buku-tabungan.pdf, 3273015505900002/kartu-peserta.pdf, 3273015505900002/foto.jpg. Each file JPG, PNG or PDF, { $mb } MB at most.
collective-documents-file = ZIP of the workers' documents
collective-documents-upload = Upload the documents
collective-documents-attached = { $count ->
    [one] 1 document attached to the workers' claims.
   *[other] { $count } documents attached to the workers' claims.
}
err-zip-not-zip = The file is not a ZIP
err-zip-too-many-entries = The ZIP holds too many files; split it into several
err-zip-too-large = The ZIP is too large once extracted; split it into several
err-zip-path = Unsafe file name (a folder outside the ZIP, or a link); file skipped
err-zip-folder = Files must be in a folder named after the worker's NIK (16 digits)
err-zip-kind = The document is not recognised from its file name; name it ktp, kk, buku-tabungan, kartu-peserta or foto
err-zip-ratio = Suspicious file (compressed too much); file skipped
err-zip-nik-unknown = This NIK is not in this batch
err-zip-before-filing = Workers' documents are uploaded once the claims are filed
email-collective-session-subject = Collective session of { $company }: { $when }
email-collective-session-body = Hello { $name },

    The collective verification session for the workers of { $company } is on { $when } at { $place }. You attend on behalf of every worker in the batch; bring the original power of attorney and mass termination letter.

    Each worker's status: { $link }
next-submitted-collective = Your company filed this claim through the collective channel; its representative will attend the verification session for every worker.
next-scheduled-collective = Your company's representative attends the collective verification session at the time below. You need not come unless asked.
