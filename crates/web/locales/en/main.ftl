# argine — English catalogue. Every key must also exist in it/main.ftl.

## Page structure
skip-to-content = Skip to main content
header-network = Network against gangmastering and labour exploitation
tagline = Information system of the network against caporalato
lang-switch = Language
logout = Sign out
nav-main = Main navigation
nav-toggle = Open the navigation menu
nav-close = Close the navigation menu
nav-home = Home
nav-network = Network
nav-users = Users
nav-audit = Audit log
nav-jobs = Job queue
nav-account = My account
footer-attribution = Territorial data: ISTAT (CC BY 4.0), openpolis boundaries (CC BY 4.0, simplified), ANPR.
footer-data = Data sources and licences
footer-api = API
yes = Yes
no = No
never = never
continue = Continue
search = Search
actions = Actions
older = Older entries
back-to-list = Back to the list
back-to-login = Back to sign in

## Fields
field-email = E-mail address
field-password = Password
field-code = Verification code
field-name = Name
field-status = Status
field-type = Type
field-contacts = Contacts
field-current-password = Current password
field-new-password = New password
field-confirm-password = Confirm the new password

## Sign in
login-title = Sign in
login-intro = Sign in with your account's e-mail address and password.
login-submit = Sign in
login-forgot = Forgot your password?
login-error-credentials = Wrong e-mail address or password.
login-error-locked = The account is locked after too many failed attempts. To unlock it, reset the password: we sent you an e-mail with instructions.
login-error-wait = Too many failed attempts. Try again in { $seconds } seconds.
mfa-title = Two-step verification
mfa-intro = Enter the 6-digit code shown by your authenticator app, or one of your recovery codes.
mfa-code-help = The code changes every 30 seconds.
mfa-submit = Verify
mfa-cancel = Cancel and sign out
mfa-error-code = Invalid or already used code. Enter the app's current code.
mfa-setup-title = Turn on two-step verification
mfa-setup-intro = Your role can see personal data: protecting it requires a second authentication factor.
mfa-setup-step1 = Open an authenticator app (for example FreeOTP, Aegis, Google Authenticator).
mfa-setup-step2 = Add a new account by entering this key:
mfa-setup-uri = On a phone you can also
mfa-setup-open-app = open the app directly
mfa-setup-step3 = Enter below the 6-digit code the app shows.
mfa-setup-submit = Turn on
mfa-setup-link = turn it on now
mfa-change-link = change device
mfa-codes-title = Recovery codes
mfa-codes-warning = Keep these codes somewhere safe: each works once and lets you sign in if you lose your phone. They will not be shown again.

## Passwords and invitations
forgot-title = Password recovery
forgot-intro = Enter your account's e-mail address: you will receive a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If the address belongs to an account, you will shortly receive an e-mail with the link. The link is valid for 60 minutes.
reset-title = Choose a new password
invite-title = Activate your account
password-rules = The password must be at least 12 characters long. A phrase of several words is easy to remember and hard to guess.
password-set-submit = Save the password
password-set-title = Password saved
password-set-body = The new password is active. You can now sign in.
password-change-submit = Change the password
password-error-mismatch = The two passwords do not match.
password-error-short = The password must be at least { $min } characters long.
password-error-long = The password can be at most 256 characters long.
password-error-common = This password is too common: choose another one.
password-error-current = The current password is not correct.
link-invalid = The link is not valid: it expired, was already used or was replaced by a newer one.

## Home
home-title = Desk
home-welcome = Welcome, { $name }.
home-your-org = Your organisation
home-org = Organisation
home-jurisdiction = Territory of competence
home-roles = Roles
home-mfa = Two-step verification
home-areas = Work areas

## Account
account-title = My account
account-password = Password
account-sessions = Active sessions
account-tokens = API tokens
session-started = Started
session-last-seen = Last activity
session-address = Address
session-browser = Browser
session-current = this session
logout-everywhere = Sign out on all devices
tokens-intro = Tokens let programs and scripts use the API on your behalf. Treat them like passwords.
token-name = Token name
token-scope = Permissions
token-scope-read = Read only
token-scope-read-write = Read and write
token-days = Validity (days)
token-create = Create the token
token-created = Token created.
token-shown-once = Copy the token now: for security it will not be shown again.
token-expires = Expires
token-last-used = Last used
token-revoke = Revoke
token-inactive = Inactive
token-error-form = Give a name (80 characters at most), the permissions and a validity between 1 and 365 days.

## Administration
users-title = Users
users-invite = Invite a new user
users-invite-submit = Send the invitation
user-invited = Invitation sent to { $email }.
user-save-roles = Save the roles
user-disable = Disable the account
user-enable = Enable the account
user-reset-mfa = Reset two-step verification
orgs-title = Organisations of the network
orgs-new = New organisation
orgs-national = National competence
orgs-units = Territory of competence
orgs-units-help = ISTAT codes separated by commas, for example: regione:03, provincia:020, comune:020030.
orgs-create = Create the organisation
org-created = Organisation “{ $name }” created.
audit-title = Audit log
audit-intro = Every change, sign-in and read of personal data is recorded here. The log is protected by a chain of hashes: any alteration is detected.
audit-who = Who
audit-what = Action
audit-when = When
audit-outcome = Outcome
audit-record = Record
audit-record-type = Record type
audit-record-id = Identifier
audit-from = From
audit-to = To
audit-personal-only = Only reads of personal data
audit-personal = personal data
audit-count = { $count } entries shown
jobs-title = Job queue
jobs-attempts = Attempts
jobs-run-at = Next run
jobs-error = Last error
jobs-retry = Retry
job-status-queued = Queued
job-status-running = Running
job-status-done = Done
job-status-failed = Failed
status-invited = Invited
status-active = Active
status-locked = Locked
status-disabled = Disabled
jurisdiction-national = National
jurisdiction-none = No territory
unit-region = region { $code }
unit-province = province { $code }
unit-comune = comune { $code }

## Form errors
form-error-email = Enter a valid e-mail address, for example name@comune.it.
form-error-email-taken = An account with this e-mail address already exists.
form-error-name = Enter a name (120 characters at most).
form-error-roles = Choose at least one role.
form-error-org = Choose one of the organisations you administer.
form-error-org-type = Choose the organisation's type.
form-error-org-taken = An organisation with this name already exists.
form-error-unit = “{ $unit }” is not a valid territory: use regione:NN, provincia:NNN or comune:NNNNNN.
form-error-date = Dates must be written as YYYY-MM-DD.

## Error pages
error-title-400 = Invalid request
error-title-401 = Sign-in required
error-title-403 = Access denied
error-title-404 = Page not found
error-title-413 = Data too large
error-title-415 = Unsupported format
error-title-429 = Too many requests
error-title-500 = Service error
error-400 = The request is not valid. Check what you entered and try again.
error-401 = You need to sign in to continue.
error-403 = You do not have permission to see this page. If you think this is a mistake, contact your organisation's administrator.
error-404 = The page you are looking for does not exist or has moved.
error-405 = This operation is not allowed on this page.
error-413 = The data sent exceeds the maximum allowed size.
error-415 = The format of the data sent is not supported.
error-429 = Too many attempts in a short time. Wait a few minutes and try again.
error-500 = An unexpected error occurred. Try again shortly; if the problem persists, give the request code to support.
error-503 = The service is temporarily unavailable.
error-csrf = The request came from another site and was blocked for security.
error-own-admin = You cannot remove the administrator role from yourself.
error-home = Back to home
error-code = Code
error-request-id = Request

## Data sources
data-title = Data sources and licences
data-intro = argine uses official public data shipped with the program: nothing is downloaded from the internet while in use.
data-territory = Territorial data
data-istat = List of Italian comuni: ISTAT, CC BY 4.0 (vintage with 7,896 comuni, first half of 2024, with later changes applied by hand with their dates).
data-population = Resident population at 1 January 2023: ISTAT, CC BY 4.0.
data-boundaries = Administrative boundaries: openpolis / geojson-italy (from ISTAT), CC BY 4.0; boundaries simplified.
data-anpr = History of comuni and cadastral (Belfiore) codes: ANPR, via python-codicefiscale (MIT).
data-software = Interface components

## Roles and types
role-admin = Administrator
role-secretariat = Technical secretariat
role-coordinator = Territorial coordination
role-operator = Operator
role-supervisor = Supervisor
role-referent = Comune referent
role-viewer = Read only
orgtype-ministero = Ministry
orgtype-anci-cittalia = ANCI / Cittalia
orgtype-regione = Region
orgtype-prefettura = Prefettura (State office in the province)
orgtype-comune = Comune (municipality)
orgtype-ispettorato-lavoro = Labour inspectorate (ITL/INL)
orgtype-azienda-sanitaria = Health authority (ASL/ATS)
orgtype-istituto-previdenza = INPS / INAIL
orgtype-forze-ordine = Police forces
orgtype-sindacato = Trade union
orgtype-associazione-datoriale = Employers' association
orgtype-terzo-settore = Third-sector organisation
orgtype-anti-tratta = Anti-trafficking body
orgtype-centro-accoglienza = Reception centre (CAS/SAI)
orgtype-cpia = CPIA (adult education centre)
orgtype-cpi = Job centre (CPI)
orgtype-ente-bilaterale = Joint body (ente bilaterale)
orgtype-universita-ricerca = University and research

## E-mail
mail-reset-subject = Reset your argine password
mail-reset-body =
    Dear { $name },

    we received a request to reset your account's password.
    To choose a new password open this link within { $minutes } minutes:

    { $link }

    If this was not you, ignore this message: your current password stays valid.
mail-locked-subject = Your argine account was locked
mail-locked-body =
    Dear { $name },

    your account was locked after too many sign-in attempts with a wrong password.
    If it was you, you can unlock it by choosing a new password within { $minutes } minutes:

    { $link }

    If it was not you, someone tried to access your account: choose a new password anyway and tell your administrator.
mail-invite-subject = Invitation to { $instance }
mail-invite-body =
    Dear { $name },

    you have been invited to use argine on behalf of { $org }.
    To activate the account and choose a password open this link within { $days } days:

    { $link }

## Territory
nav-territory = Territory
breadcrumb = Breadcrumb
territory-title = Territory
territory-counts = { $regions } regions, { $provinces } provinces and supra-municipal territorial units, { $comuni } comuni.
territory-reference = Reference: { $vintage }, with later changes up to { $patched } applied by hand (each row dated and sourced); resident population at { $population }. Source: ISTAT (CC BY 4.0); boundaries openpolis (CC BY 4.0, simplified); history of comuni: ANPR.
territory-search-label = Search a comune
territory-search-help = Name (even with a typo, without accents or in the second language), ISTAT code or cadastral code (for example H501).
territory-results = Results: { $count }
territory-no-results = No comune matches the search.
territory-inhabitants = inhabitants
territory-regions = Regions
territory-region = Region
territory-provinces = Provinces
territory-province = Province
territory-comuni = Comuni
territory-comune = Comune
territory-population = Resident population
territory-istat-code = ISTAT code
territory-istat-unknown = not known yet (comune created after the shipped ISTAT list)
territory-uts-code = ISTAT code of the territorial unit
territory-belfiore = Cadastral (Belfiore) code
territory-name-other = Name in the second language
territory-capoluogo = Provincial capital
territory-sigla = Abbreviation
territory-uts-type = Type
territory-macroarea = Geographical area
territory-area = Area
territory-density = Density
territory-n-comuni = Number of comuni
territory-valid-from = In force since
territory-point = Inside point (lat, lon)
territory-pop-caption = Resident population at 1 January 2023 (ISTAT)
territory-pop-group = Group
territory-pop-residents = Residents
territory-pop-total = Total
territory-pop-male = Men
territory-pop-female = Women
territory-pop-0-14 = 0–14 years
territory-pop-15-64 = 15–64 years
territory-pop-65 = 65 years and over
territory-neighbours = Neighbouring comuni
territory-no-neighbours = No neighbouring comune (island territory).
territory-history = History
territory-change-rename = name in use from { $from } to { $to } (cadastral code { $code })
territory-change-merge = comune from { $from } to { $to }, then merged into this comune (cadastral code { $code })
territory-change-suppressed = comune from { $from } to { $to } (cadastral code { $code })
territory-resolved-from = Code { $code } referred to “{ $old }”: since { $date } its territory is part of { $new }.
territory-suppressed-title = Suppressed comune
territory-suppressed = The comune of { $name } was suppressed on { $date }.
territory-map-title = Map of the territories
territory-map-intro = Activate an area (click, or Tab and Enter) to go down from a region to its provinces and from a province to its comuni; a comune opens its profile. Colours show population density; the table below the map gives the same data.
territory-map-back = Back to the level above
territory-map-open = Open
territory-map-link = Go to the map
territory-map-table = Map data
territory-map-table-caption = Population and density by region
territory-error-query = Give a name or a code to search (100 characters at most).
territory-italy = Italy
territory-no-data = no data
territory-svg-title-density = Population density — { $level }, { $area }
territory-svg-title-pop = Resident population — { $level }, { $area }
territory-svg-projection = Web Mercator projection.
territory-svg-download = Download the map as SVG (for documents and reports):
territory-svg-alt = Map of the comuni of the province of { $area } coloured by population density
territory-svg-caption = Population density by comune; the values are in the table below.
territory-error-svg = Invalid map parameters: level regioni, province or comuni; area of 2 digits (region) or 3 digits (province, comuni only); indicator densita or popolazione.
