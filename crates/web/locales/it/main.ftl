# argine — catalogo italiano (lingua principale). Ogni chiave deve esistere anche in en/main.ftl.

## Struttura della pagina
skip-to-content = Vai al contenuto principale
header-network = Rete contro il caporalato e lo sfruttamento lavorativo
tagline = Sistema informativo della rete contro il caporalato
lang-switch = Lingua
logout = Esci
nav-main = Navigazione principale
nav-toggle = Apri il menu di navigazione
nav-close = Chiudi il menu di navigazione
nav-home = Home
nav-network = Rete
nav-users = Utenti
nav-audit = Registro attività
nav-jobs = Attività in coda
nav-account = Il mio account
footer-attribution = Dati territoriali: ISTAT (CC BY 4.0), confini openpolis (CC BY 4.0, semplificati), ANPR.
footer-data = Fonti dei dati e licenze
footer-api = API
yes = Sì
no = No
never = mai
continue = Continua
search = Cerca
actions = Azioni
older = Voci precedenti
back-to-list = Torna all'elenco
back-to-login = Torna all'accesso

## Campi
field-email = Indirizzo e-mail
field-password = Password
field-code = Codice di verifica
field-name = Nome
field-status = Stato
field-type = Tipologia
field-contacts = Recapiti
field-current-password = Password attuale
field-new-password = Nuova password
field-confirm-password = Conferma la nuova password

## Accesso
login-title = Accedi
login-intro = Accedi con l'indirizzo e-mail e la password del tuo account.
login-submit = Accedi
login-forgot = Hai dimenticato la password?
login-error-credentials = Indirizzo e-mail o password non corretti.
login-error-locked = L'account è bloccato per troppi tentativi non riusciti. Per sbloccarlo reimposta la password: ti abbiamo inviato un'e-mail con le istruzioni.
login-error-wait = Troppi tentativi non riusciti. Riprova tra { $seconds } secondi.
mfa-title = Verifica in due passaggi
mfa-intro = Inserisci il codice a 6 cifre mostrato dall'app di autenticazione, oppure uno dei codici di recupero.
mfa-code-help = Il codice cambia ogni 30 secondi.
mfa-submit = Verifica
mfa-cancel = Annulla ed esci
mfa-error-code = Codice non valido o già usato. Inserisci il codice attuale dell'app.
mfa-setup-title = Attiva la verifica in due passaggi
mfa-setup-intro = Il tuo ruolo consente di vedere dati personali: per proteggerli serve un secondo fattore di autenticazione.
mfa-setup-step1 = Apri un'app di autenticazione (per esempio FreeOTP, Aegis, Google Authenticator).
mfa-setup-step2 = Aggiungi un nuovo account inserendo questa chiave:
mfa-setup-uri = Sul telefono puoi anche
mfa-setup-open-app = aprire direttamente l'app
mfa-setup-step3 = Inserisci qui sotto il codice a 6 cifre che l'app mostra.
mfa-setup-submit = Attiva
mfa-setup-link = attivala ora
mfa-change-link = cambia dispositivo
mfa-codes-title = Codici di recupero
mfa-codes-warning = Conserva questi codici in un luogo sicuro: ognuno vale una sola volta e serve ad accedere se perdi il telefono. Non verranno mostrati di nuovo.

## Password e inviti
forgot-title = Recupero della password
forgot-intro = Inserisci l'indirizzo e-mail del tuo account: riceverai un link per scegliere una nuova password.
forgot-submit = Invia il link
forgot-sent = Se l'indirizzo corrisponde a un account, riceverai a breve un'e-mail con il link. Il link vale 60 minuti.
reset-title = Scegli una nuova password
invite-title = Attiva il tuo account
password-rules = La password deve avere almeno 12 caratteri. Una frase di più parole è facile da ricordare e difficile da indovinare.
password-set-submit = Salva la password
password-set-title = Password salvata
password-set-body = La nuova password è attiva. Ora puoi accedere.
password-change-submit = Cambia la password
password-error-mismatch = Le due password non coincidono.
password-error-short = La password deve avere almeno { $min } caratteri.
password-error-long = La password può avere al massimo 256 caratteri.
password-error-common = Questa password è troppo comune: scegline un'altra.
password-error-current = La password attuale non è corretta.
link-invalid = Il link non è valido: è scaduto, è già stato usato o è stato sostituito da uno più recente.

## Home
home-title = Scrivania
home-welcome = Benvenuta/o, { $name }.
home-your-org = La tua organizzazione
home-org = Organizzazione
home-jurisdiction = Territorio di competenza
home-roles = Ruoli
home-mfa = Verifica in due passaggi
home-areas = Aree di lavoro

## Account
account-title = Il mio account
account-password = Password
account-sessions = Sessioni attive
account-tokens = Token per l'API
session-started = Inizio
session-last-seen = Ultima attività
session-address = Indirizzo
session-browser = Browser
session-current = questa sessione
logout-everywhere = Esci da tutti i dispositivi
tokens-intro = I token permettono a programmi e script di usare l'API a tuo nome. Trattali come password.
token-name = Nome del token
token-scope = Permessi
token-scope-read = Sola lettura
token-scope-read-write = Lettura e scrittura
token-days = Validità (giorni)
token-create = Crea il token
token-created = Token creato.
token-shown-once = Copia ora il token: per sicurezza non verrà più mostrato.
token-expires = Scadenza
token-last-used = Ultimo uso
token-revoke = Revoca
token-inactive = Non attivo
token-error-form = Indica un nome (massimo 80 caratteri), i permessi e una validità tra 1 e 365 giorni.

## Amministrazione
users-title = Utenti
users-invite = Invita un nuovo utente
users-invite-submit = Invia l'invito
user-invited = Invito inviato a { $email }.
user-save-roles = Salva i ruoli
user-disable = Disattiva l'account
user-enable = Riattiva l'account
user-reset-mfa = Azzera la verifica in due passaggi
orgs-title = Organizzazioni della rete
orgs-new = Nuova organizzazione
orgs-national = Competenza nazionale
orgs-units = Territorio di competenza
orgs-units-help = Codici ISTAT separati da virgole, per esempio: regione:03, provincia:020, comune:020030.
orgs-create = Crea l'organizzazione
org-created = Organizzazione «{ $name }» creata.
audit-title = Registro delle attività
audit-intro = Ogni modifica, accesso e lettura di dati personali è registrata qui. Il registro è protetto da una catena di impronte: qualsiasi alterazione viene rilevata.
audit-who = Chi
audit-what = Azione
audit-when = Quando
audit-outcome = Esito
audit-record = Oggetto
audit-record-type = Tipo di oggetto
audit-record-id = Identificativo
audit-from = Dal giorno
audit-to = Al giorno
audit-personal-only = Solo letture di dati personali
audit-personal = dati personali
audit-count = { $count } voci mostrate
jobs-title = Attività in coda
jobs-attempts = Tentativi
jobs-run-at = Prossima esecuzione
jobs-error = Ultimo errore
jobs-retry = Riprova
job-status-queued = In coda
job-status-running = In esecuzione
job-status-done = Completata
job-status-failed = Non riuscita
status-invited = Invitato
status-active = Attivo
status-locked = Bloccato
status-disabled = Disattivato
jurisdiction-national = Nazionale
jurisdiction-none = Nessun territorio
unit-region = regione { $code }
unit-province = provincia { $code }
unit-comune = comune { $code }

## Errori nei moduli
form-error-email = Inserisci un indirizzo e-mail valido, per esempio nome@comune.it.
form-error-email-taken = Esiste già un account con questo indirizzo e-mail.
form-error-name = Inserisci un nome (al massimo 120 caratteri).
form-error-roles = Scegli almeno un ruolo.
form-error-org = Scegli un'organizzazione tra quelle che amministri.
form-error-org-type = Scegli la tipologia dell'organizzazione.
form-error-org-taken = Esiste già un'organizzazione con questo nome.
form-error-unit = «{ $unit }» non è un territorio valido: usa regione:NN, provincia:NNN o comune:NNNNNN.
form-error-date = Le date vanno indicate nel formato AAAA-MM-GG.

## Pagine di errore
error-title-400 = Richiesta non valida
error-title-401 = Accesso richiesto
error-title-403 = Accesso non consentito
error-title-404 = Pagina non trovata
error-title-413 = Dati troppo grandi
error-title-415 = Formato non supportato
error-title-429 = Troppe richieste
error-title-500 = Errore del servizio
error-400 = La richiesta non è valida. Controlla i dati inseriti e riprova.
error-401 = Per continuare devi accedere.
error-403 = Non hai i permessi per vedere questa pagina. Se pensi che sia un errore, contatta l'amministratore della tua organizzazione.
error-404 = La pagina che cerchi non esiste o è stata spostata.
error-405 = Questa operazione non è consentita su questa pagina.
error-413 = I dati inviati superano la dimensione massima consentita.
error-415 = Il formato dei dati inviati non è supportato.
error-429 = Hai fatto troppi tentativi in poco tempo. Attendi qualche minuto e riprova.
error-500 = Si è verificato un errore imprevisto. Riprova tra poco; se il problema continua, comunica il codice della richiesta all'assistenza.
error-503 = Il servizio non è momentaneamente disponibile.
error-csrf = La richiesta proviene da un altro sito ed è stata bloccata per sicurezza.
error-own-admin = Non puoi togliere a te stesso il ruolo di amministratore.
error-home = Torna alla home
error-code = Codice
error-request-id = Richiesta

## Fonti dei dati
data-title = Fonti dei dati e licenze
data-intro = argine usa dati pubblici ufficiali, inclusi nel programma: nessun dato viene scaricato da internet durante l'uso.
data-territory = Dati territoriali
data-istat = Elenco dei comuni italiani: ISTAT, CC BY 4.0 (versione con 7.896 comuni, prima metà 2024, con le variazioni successive applicate a mano e datate).
data-population = Popolazione residente al 1° gennaio 2023: ISTAT, CC BY 4.0.
data-boundaries = Confini amministrativi: openpolis / geojson-italy (da ISTAT), CC BY 4.0; i confini sono stati semplificati.
data-anpr = Storia dei comuni e codici catastali (Belfiore): ANPR, tramite python-codicefiscale (MIT).
data-software = Componenti dell'interfaccia

## Ruoli e tipologie
role-admin = Amministratore
role-secretariat = Segreteria tecnica
role-coordinator = Coordinamento territoriale
role-operator = Operatore
role-supervisor = Supervisore
role-referent = Referente comunale
role-viewer = Consultazione
orgtype-ministero = Ministero
orgtype-anci-cittalia = ANCI / Cittalia
orgtype-regione = Regione
orgtype-prefettura = Prefettura
orgtype-comune = Comune
orgtype-ispettorato-lavoro = Ispettorato del lavoro (ITL/INL)
orgtype-azienda-sanitaria = Azienda sanitaria (ASL/ATS)
orgtype-istituto-previdenza = INPS / INAIL
orgtype-forze-ordine = Forze dell'ordine
orgtype-sindacato = Sindacato
orgtype-associazione-datoriale = Associazione datoriale
orgtype-terzo-settore = Ente del terzo settore
orgtype-anti-tratta = Ente anti-tratta
orgtype-centro-accoglienza = Centro di accoglienza (CAS/SAI)
orgtype-cpia = CPIA
orgtype-cpi = Centro per l'impiego
orgtype-ente-bilaterale = Ente bilaterale
orgtype-universita-ricerca = Università e ricerca

## E-mail
mail-reset-subject = Reimposta la password di argine
mail-reset-body =
    Gentile { $name },

    abbiamo ricevuto una richiesta di reimpostare la password del tuo account.
    Per scegliere una nuova password apri questo link entro { $minutes } minuti:

    { $link }

    Se non sei stata/o tu, ignora questo messaggio: la password attuale resta valida.
mail-locked-subject = Il tuo account argine è stato bloccato
mail-locked-body =
    Gentile { $name },

    il tuo account è stato bloccato dopo troppi tentativi di accesso con una password errata.
    Se eri tu, puoi sbloccarlo scegliendo una nuova password entro { $minutes } minuti:

    { $link }

    Se non eri tu, qualcuno ha provato ad accedere al tuo account: scegli comunque una nuova password e avvisa l'amministratore.
mail-invite-subject = Invito ad accedere a { $instance }
mail-invite-body =
    Gentile { $name },

    sei stata/o invitata/o ad accedere ad argine per conto di { $org }.
    Per attivare l'account e scegliere la password apri questo link entro { $days } giorni:

    { $link }

## Territorio
nav-territory = Territorio
breadcrumb = Percorso
territory-title = Territorio
territory-counts = { $regions } regioni, { $provinces } province e unità territoriali sovracomunali, { $comuni } comuni.
territory-reference = Riferimento: { $vintage }, con le variazioni successive fino al { $patched } applicate a mano (ogni riga datata e con fonte); popolazione residente al { $population }. Fonte: ISTAT (CC BY 4.0); confini openpolis (CC BY 4.0, semplificati); storia dei comuni: ANPR.
territory-search-label = Cerca un comune
territory-search-help = Nome (anche con un errore di battitura, senza accenti o nella seconda lingua), codice ISTAT o codice catastale (per esempio H501).
territory-results = Risultati: { $count }
territory-no-results = Nessun comune corrisponde alla ricerca.
territory-inhabitants = abitanti
territory-regions = Regioni
territory-region = Regione
territory-provinces = Province
territory-province = Provincia
territory-comuni = Comuni
territory-comune = Comune
territory-population = Popolazione residente
territory-istat-code = Codice ISTAT
territory-istat-unknown = non ancora noto (comune nato dopo l'elenco ISTAT incluso)
territory-uts-code = Codice ISTAT dell'unità territoriale
territory-belfiore = Codice catastale (Belfiore)
territory-name-other = Nome nella seconda lingua
territory-capoluogo = Capoluogo di provincia
territory-sigla = Sigla
territory-uts-type = Tipologia
territory-macroarea = Ripartizione geografica
territory-area = Superficie
territory-density = Densità
territory-n-comuni = Numero di comuni
territory-valid-from = In vigore dal
territory-point = Punto interno (lat, lon)
territory-pop-caption = Popolazione residente al 1° gennaio 2023 (ISTAT)
territory-pop-group = Gruppo
territory-pop-residents = Residenti
territory-pop-total = Totale
territory-pop-male = Maschi
territory-pop-female = Femmine
territory-pop-0-14 = 0–14 anni
territory-pop-15-64 = 15–64 anni
territory-pop-65 = 65 anni e più
territory-neighbours = Comuni confinanti
territory-no-neighbours = Nessun comune confinante (territorio insulare).
territory-history = Storia
territory-change-rename = nome in uso dal { $from } al { $to } (codice catastale { $code })
territory-change-merge = comune dal { $from } al { $to }, poi confluito in questo comune (codice catastale { $code })
territory-change-suppressed = comune dal { $from } al { $to } (codice catastale { $code })
territory-resolved-from = Il codice { $code } indicava «{ $old }»: dal { $date } il territorio fa parte di { $new }.
territory-suppressed-title = Comune soppresso
territory-suppressed = Il comune di { $name } è stato soppresso il { $date }.
territory-map-title = Mappa dei territori
territory-map-intro = Attiva un'area (clic, oppure Tab e Invio) per scendere da una regione alle sue province e da una provincia ai suoi comuni; un comune apre la sua scheda. I colori indicano la densità di popolazione; la tabella sotto la mappa riporta gli stessi dati.
territory-map-back = Torna al livello superiore
territory-map-open = Apri
territory-map-link = Vai alla mappa
territory-map-table = Dati della mappa
territory-map-table-caption = Popolazione e densità per regione
territory-error-query = Indica un nome o un codice da cercare (al massimo 100 caratteri).
territory-italy = Italia
territory-no-data = dato non disponibile
territory-svg-title-density = Densità di popolazione — { $level }, { $area }
territory-svg-title-pop = Popolazione residente — { $level }, { $area }
territory-svg-projection = Proiezione Web Mercator.
territory-svg-download = Scarica la mappa in SVG (per documenti e rapporti):
territory-svg-alt = Mappa dei comuni della provincia di { $area } colorati per densità di popolazione
territory-svg-caption = Densità di popolazione per comune; i valori sono nella tabella qui sotto.
territory-error-svg = Parametri della mappa non validi: livello regioni, province o comuni; area di 2 cifre (regione) o 3 cifre (provincia, solo per i comuni); indicatore densita o popolazione.
