# Census of Comuni: questionnaires (XLSForm)
nav-census = Censimento
census-forms-title = Questionari del censimento
census-forms-lead = I questionari sono file XLSForm, lo standard di ODK e KoboToolbox: si preparano in Excel o LibreOffice e si caricano qui. Ogni caricamento crea una nuova versione, che non cambia più; ogni risposta ricorda la versione a cui risponde.
census-forms-list = Questionari
census-forms-none = Nessun questionario caricato.
census-form-id = Identificativo (form_id)
census-versions = Versioni
census-version = Versione
census-status = Stato
census-published = Pubblicato
census-draft = Bozza
census-imported = Caricato il
census-questions = Domande
census-pages = Pagine
census-languages = Lingue
census-sha256 = Impronta SHA-256 del file
census-upload-title = Carica un questionario
census-upload-help = Un file .xlsx con i fogli survey, choices e settings. Se il file contiene errori sono elencati tutti, con foglio, riga e colonna, e non viene salvato nulla.
census-upload-file = File XLSForm (.xlsx)
census-upload-submit = Controlla e carica
census-upload-invalid = Il file { $file } non è un XLSForm valido: non è stato salvato nulla.
census-upload-problems = { $count ->
    [one] È stato trovato un problema. Correggilo nel file e caricalo di nuovo.
   *[other] Sono stati trovati { $count } problemi. Correggili nel file e caricalo di nuovo.
}
census-problems-caption = Problemi trovati nel file
census-sheet = Foglio
census-column = Colonna
census-problem = Problema
census-warning = Avviso
census-version-exists = Il questionario { $form } ha già una versione { $version }: una versione non si modifica. Cambia il valore di version nel foglio settings e carica di nuovo il file.
census-download-original = Scarica il file originale
census-download-export = Esporta in XLSForm
census-publish = Pubblica questa versione
census-publish-help = Una versione pubblicata può essere usata nelle campagne di rilevazione. La pubblicazione non si annulla e la versione resta immutabile.
census-structure = Struttura
census-choices = Liste di scelte
census-name = Nome
census-label = Testo
census-required = Obbligatoria
census-relevant = Condizione
census-constraint = Vincolo
census-kind-group = gruppo
census-kind-repeat = gruppo ripetuto

# XLSForm import problems (argine_domain::census::xlsform::FormErrorKind)
xlsform-unreadable = Il file non si legge come foglio di calcolo: { $message }
xlsform-missing-sheet = Manca il foglio «{ $sheet }».
xlsform-missing-column = Manca la colonna «{ $column }».
xlsform-duplicate-column = La colonna «{ $column }» compare due volte.
xlsform-too-many-rows = Il foglio ha { $rows } righe; se ne accettano al massimo { $max }.
xlsform-missing-type = La riga non ha un tipo (colonna type).
xlsform-unknown-type = Tipo di domanda sconosciuto: «{ $value }».
xlsform-missing-name = La domanda, il gruppo o la ripetizione non ha un nome (colonna name).
xlsform-invalid-name = Nome non valido: «{ $name }». Un nome inizia con una lettera o con _ e contiene solo lettere, cifre, _, - e punti, senza spazi.
xlsform-duplicate-name = Il nome «{ $name }» è già usato nello stesso gruppo: i nomi devono essere unici.
xlsform-reserved-name = Il nome «{ $name }» è riservato.
xlsform-duplicate-repeat-name = Due gruppi ripetuti si chiamano «{ $name }»: i nomi delle ripetizioni devono essere unici in tutto il questionario.
xlsform-repeat-named-like-form = Il gruppo ripetuto «{ $name }» ha lo stesso nome del questionario.
xlsform-unmatched-end = «end_{ $control }» senza un «begin_{ $control }» aperto.
xlsform-unmatched-begin = «begin_{ $control }» «{ $name }» non è mai chiuso da «end_{ $control }».
xlsform-unknown-list = La lista di scelte «{ $list }» non è nel foglio choices.
xlsform-no-choices-sheet = Manca il foglio «{ $sheet }» con la lista «{ $list }».
xlsform-duplicate-choice = Nella lista «{ $list }» la scelta «{ $name }» compare due volte.
xlsform-missing-choice-name = Nella lista «{ $list }» una scelta non ha il nome.
xlsform-choice-name-with-space = Nella lista «{ $list }» il nome «{ $name }» contiene uno spazio: non è ammesso in una domanda a scelta multipla.
xlsform-missing-label = La domanda «{ $name }» non ha né testo (label) né suggerimento (hint).
xlsform-missing-calculation = Il calcolo «{ $name }» non ha una formula (colonna calculation).
xlsform-or-other-with-choice-filter = La domanda «{ $name }» usa insieme or_other e choice_filter, che non sono compatibili.
xlsform-bad-reference = Riferimento scritto male: deve essere nella forma ${"{"}nome{"}"}.
xlsform-unknown-reference = Il riferimento ${"{"}{ $name }{"}"} non corrisponde a nessuna domanda.
xlsform-ambiguous-reference = Il riferimento ${"{"}{ $name }{"}"} è ambiguo: più domande hanno questo nome.
xlsform-invalid-expression = Espressione non valida: { $message }
xlsform-missing-choice-label = Nella lista «{ $list }» la scelta «{ $name }» non ha testo.
xlsform-unsupported-type = Il tipo «{ $value }» è accettato ma argine non lo mostra nel modulo web.
xlsform-name-case-clash = Il nome «{ $name }» differisce da un altro solo per maiuscole e minuscole.
xlsform-repeat-without-label = Il gruppo ripetuto «{ $name }» non ha un titolo.

# Campaigns
census-tabs = Sezioni del censimento
census-campaigns-title = Campagne di rilevazione
census-campaigns-none = Nessuna campagna.
census-questionnaire = Questionario
census-opens-on = Apertura
census-deadline = Scadenza
census-campaign-draft = In preparazione
census-campaign-open = Aperta
census-campaign-closed = Chiusa
census-invited = Comuni invitati
census-opened = Hanno aperto il link
census-started = Hanno iniziato
census-submitted = Hanno inviato
census-rate = Tasso di risposta
census-by-region = Andamento per regione
census-region = Regione
census-total = Totale

# The response form (secret link)
census-link-title = Questionario del censimento
census-link-unknown = Questo link non corrisponde a nessun invito. Controlla di averlo copiato per intero dall'e-mail ricevuta, o chiedi un nuovo link alla segreteria.
census-link-expired = Questo link non è più valido: è scaduto o è stato sostituito. Chiedi un nuovo link alla segreteria.
census-link-closed = La rilevazione è chiusa: non si accettano più risposte.
census-respond-deadline = Da compilare entro il { $date }. Le risposte si salvano a ogni pagina: si può interrompere e riprendere dallo stesso link, anche da un altro dispositivo.
census-respond-pages = Pagine del questionario
census-respond-summary = Riepilogo e invio
census-respond-errors = { $count ->
    [one] C'è un problema da correggere.
   *[other] Ci sono { $count } problemi da correggere.
}
census-respond-saved = Risposte salvate.
census-respond-prev = Pagina precedente
census-respond-save = Salva bozza
census-respond-next = Salva e continua
census-respond-to-summary = Salva e vai al riepilogo
census-respond-page-ok = completa
census-respond-submit = Invia il questionario
census-respond-submit-help = Dopo l'invio le risposte non si possono più modificare; per correggerle bisogna chiedere alla segreteria di riaprire il questionario.
census-respond-submitted = Questionario inviato il { $when }. Grazie.
census-required-field = (obbligatoria)
census-instance = { $what }: n. { $n }
census-add-instance = Aggiungi: { $what }
census-remove-instance = Elimina
census-already-submitted = Il questionario è già stato inviato.
census-issue-required = Risposta obbligatoria.
census-issue-constraint = Il valore non è accettato.
census-issue-invalid-integer = Scrivi un numero intero, senza punti né virgole.
census-issue-invalid-decimal = Scrivi un numero (ad es. 2,5).
census-issue-invalid-date = Scrivi una data valida (gg/mm/aaaa).
census-issue-unknown-choice = Scegli una delle opzioni proposte.
census-issue-invalid-geopoint = Scrivi la posizione come latitudine e longitudine (ad es. 41.56 15.91).
census-issue-too-long = Il testo è troppo lungo (al massimo 10.000 caratteri).
census-export-xlsx = Esporta le risposte (XLSX, codici)
census-export-xlsx-labels = Esporta le risposte (XLSX, etichette)
census-export-csv = Esporta le risposte (CSV)
census-export-json = Esporta le risposte (JSON)
census-export-istat = Codice ISTAT
census-export-pec = PEC
census-export-email = E-mail
census-export-last-contact = Ultimo contatto
census-contact-channel = Canale
census-last-contact = Ultimo contatto
census-comuni-export-csv = Scarica l'elenco (CSV)
census-comuni-export-xlsx = Scarica l'elenco (XLSX)
census-comuni-title = Comuni della campagna
census-comuni-link = Elenco dei Comuni: chi non ha ancora risposto, con i recapiti
census-comuni-count = { $count ->
    [one] Un Comune.
   *[other] { $count } Comuni.
}
census-comune = Comune
census-province = Provincia
census-all-regions = Tutte le regioni
census-filter = Filtra
census-filter-da-sollecitare = Da sollecitare (non hanno inviato)
census-filter-in-corso = In compilazione
census-filter-inviati = Hanno inviato
census-filter-tutti = Tutti
census-status-invited = Invitato
census-status-opened = Ha aperto il link
census-status-started = In compilazione
census-status-submitted = Inviato
census-reopen = Riapri
census-reopen-reason = Motivo della riapertura per { $comune }
census-reopen-placeholder = Motivo (ad es. correzione richiesta dal Comune)
census-reopen-reason-required = Scrivi il motivo della riapertura (almeno 5 caratteri): resta nel registro attività.
census-reopened = Questionario riaperto: il Comune può correggerlo dal suo link e inviarlo di nuovo.

# Census documents (PDF): the compilation guide and the receipt
census-doc-guide = Guida alla compilazione
census-doc-receipt = Ricevuta di invio del questionario
census-doc-campaign = Rilevazione
census-doc-comune = Comune
census-doc-deadline = Scadenza
census-doc-questions = Domande
census-doc-submitted = Inviato il
census-doc-revision = Revisione
census-doc-version = Versione del questionario
census-doc-answered = Domande con risposta
census-doc-conditional = solo in alcuni casi
census-doc-repeat-hint = Questa parte si ripete: si compila una volta per ciascun elemento (per esempio per ogni insediamento).
census-doc-empty = Nessuna risposta.
census-doc-guide-intro-1 = Il questionario si compila online, dal link personale ricevuto dal Comune per posta elettronica: non serve un account. Si può salvare una bozza in qualsiasi momento e riprendere più tardi, anche da un altro dispositivo, con lo stesso link.
census-doc-guide-intro-2 = Questa guida riporta tutte le domande, con le spiegazioni e le possibili risposte, per raccogliere le informazioni prima di compilare. Le domande segnate con * sono obbligatorie; quelle «solo in alcuni casi» compaiono soltanto se le risposte precedenti le rendono pertinenti.
census-doc-guide-intro-3 = Prima dell'invio una pagina di riepilogo mostra le eventuali risposte mancanti. Dopo l'invio si può scaricare la ricevuta in PDF; per correggere un questionario già inviato occorre chiederne la riapertura alla segreteria della rilevazione.
census-doc-receipt-closing = Questo documento riproduce le risposte inviate. Impronta SHA-256 delle risposte: { $fingerprint }.
census-doc-kind-text = testo
census-doc-kind-integer = numero intero
census-doc-kind-decimal = numero
census-doc-kind-date = data
census-doc-kind-time = ora
census-doc-kind-datetime = data e ora
census-doc-kind-select_one = una sola risposta
census-doc-kind-select_multiple = una o più risposte
census-doc-kind-acknowledge = conferma
census-doc-kind-geopoint = posizione (coordinate)
census-doc-kind-other = altro
census-download-guide = Scarica la guida alla compilazione (PDF)
census-download-receipt = Scarica la ricevuta (PDF)

# Census e-mails (sent to the Comune's PEC or e-mail)
census-mail-invitation-subject = { $campaign }: questionario per il Comune di { $comune }
census-mail-invitation-body = Gentile Comune di { $comune },

    vi invitiamo a compilare il questionario «{ $campaign }» entro il { $deadline }.

    Il questionario si compila online da questo link, riservato al vostro Comune (non serve un account; non inoltratelo al di fuori dell'ente):
    { $link }

    Si può salvare una bozza e riprendere più tardi, anche da un altro dispositivo, con lo stesso link. In allegato la guida alla compilazione, con tutte le domande, per raccogliere le informazioni prima di iniziare.

    Grazie per la collaborazione.
    La segreteria della rilevazione — { $instance }
census-mail-reminder-subject = Promemoria: { $campaign } — questionario del Comune di { $comune }
census-mail-reminder-body = Gentile Comune di { $comune },

    non abbiamo ancora ricevuto il questionario «{ $campaign }», da compilare entro il { $deadline }. Se lo state già compilando, le risposte salvate vi aspettano allo stesso link:
    { $link }

    In allegato la guida alla compilazione. Se il questionario è stato inviato nel frattempo, ignorate questo messaggio.

    La segreteria della rilevazione — { $instance }

# New campaign
census-new-title = Nuova campagna di rilevazione
census-new-link = Nuova campagna
census-new-lead = Una campagna invia un questionario pubblicato a un insieme di Comuni. Ogni Comune riceve un link personale per posta elettronica (PEC o e-mail) il giorno di apertura e i solleciti previsti finché non invia il questionario.
census-new-refused = La campagna non è stata creata. Correggi i problemi seguenti:
census-new-universe = Comuni da invitare
census-new-scope-all = Tutti i Comuni attuali
census-new-scope-regions = I Comuni delle regioni scelte
census-new-scope-provinces = I Comuni delle province scelte
census-new-scope-list = Un elenco di Comuni
census-new-regions = Regioni
census-new-provinces = Province
census-new-codes = Elenco di Comuni (codici ISTAT o catastali)
census-new-codes-help = Separati da spazi, virgole o a capo. Sono accettati anche codici di Comuni soppressi o ricodificati: si invita il Comune attuale.
census-new-pop-min = Popolazione da (abitanti)
census-new-pop-max = Popolazione fino a (abitanti)
census-new-schedule = Calendario
census-new-reminders = Numero di solleciti
census-new-reminder-days = Giorni tra un invio e il sollecito
census-new-accept-late = Accetta risposte dopo la scadenza, fino alla chiusura
census-new-contacts = Recapiti dei Comuni (CSV o XLSX, facoltativo)
census-new-contacts-help = Colonne: comune (codice ISTAT, codice catastale o nome), pec, email. Ogni riga deve indicare un Comune tra quelli invitati. Chi non ha recapiti riceve il link solo dalla pagina della campagna.
census-new-submit = Crea la campagna
census-new-created = Campagna creata: { $count } Comuni invitati, { $with } con un recapito.
census-new-error-name = Indica il nome della campagna (al massimo 200 caratteri).
census-new-error-version = Scegli un questionario pubblicato.
census-new-error-opens = La data di apertura non è valida.
census-new-error-deadline = La data di scadenza non è valida.
census-new-error-order = La scadenza non può precedere l'apertura.
census-new-error-reminders = Il numero di solleciti va da 0 a 5.
census-new-error-reminder-days = I giorni tra un invio e il sollecito vanno da 1 a 60.
census-new-error-population = La popolazione va indicata con un numero intero di abitanti.
census-new-error-no-regions = Scegli almeno una regione.
census-new-error-no-provinces = Scegli almeno una provincia.
census-new-error-no-codes = Indica almeno un codice di Comune.
census-new-error-unknown-code = Il codice «{ $code }» non corrisponde a nessun Comune.
census-new-error-scope = Scegli quali Comuni invitare.
census-new-error-empty = Nessun Comune corrisponde ai criteri scelti.
census-new-error-file = Il file dei recapiti non si legge: { $reason }
census-new-error-columns = Il file dei recapiti deve avere una colonna «comune» e almeno una tra «pec» ed «email».
census-new-error-ambiguous = Riga { $row }: «{ $value }» può indicare più Comuni ({ $candidates }); usa il codice ISTAT.
census-new-error-not-in-universe = Riga { $row }: «{ $value }» non è tra i Comuni invitati.
census-new-error-duplicate = Riga { $row }: «{ $value }» compare già alla riga { $first }.
census-new-error-address = Riga { $row }: «{ $value }» non è un indirizzo di posta valido.

# Follow-up of a Comune: e-mails and contact log
census-territory-page = Scheda del territorio
census-mails = Messaggi inviati
census-mails-none = Nessun messaggio inviato finora.
census-mail-kind = Messaggio
census-mail-channel = Canale
census-mail-when = Data
census-mail-kind-invitation = Invito
census-mail-kind-reminder = Sollecito
census-mail-status-queued = in coda
census-mail-status-running = in invio
census-mail-status-done = inviato
census-mail-status-failed = non riuscito
census-mail-retry = Riprova l'invio
census-mails-summary = Messaggi della campagna
census-mails-failed = Invii non riusciti
census-contacts = Registro dei contatti
census-contacts-none = Nessun contatto registrato.
census-contact-add = Registra un contatto
census-contact-outcome = Esito
census-contact-note = Nota
census-contact-save = Registra
census-contact-channel-phone = Telefono
census-contact-channel-email = E-mail
census-contact-channel-pec = PEC
census-contact-channel-visit = Incontro
census-contact-channel-other = Altro
census-contact-outcome-reached = Parlato con il referente
census-contact-outcome-no_answer = Nessuna risposta
census-contact-outcome-promised = Compilazione promessa
census-contact-outcome-refused = Rifiuto
census-contact-outcome-wrong_contact = Recapito errato
census-contact-outcome-other = Altro
census-contact-last = Ultimo contatto
census-contact-invalid = Canale o esito del contatto non valido.
census-contact-too-long = La nota è troppo lunga (al massimo 2000 caratteri).
census-campaign-close = Chiudi la campagna
census-campaign-close-help = Alla chiusura i link dei Comuni smettono di funzionare e non partono altri messaggi. Le risposte inviate restano.
census-campaign-not-open = La campagna non è aperta.
census-campaign-created = Campagna creata. Gli inviti partono il giorno di apertura verso i Comuni con un recapito.
census-campaign-late = Dopo la scadenza

# Import of responses collected elsewhere (argine_domain::census::import)
census-import-title = Importa risposte raccolte altrove
census-import-link = Importa risposte (KoboToolbox, LimeSurvey, Excel)
census-import-help = Un'esportazione XLSX o CSV di KoboToolbox, di LimeSurvey (intestazioni con i codici delle domande) o di argine, con le colonne chiamate come le domande del questionario. Ogni riga deve indicare il Comune (codice ISTAT, codice catastale o nome). Il file viene prima controllato per intero e non modifica nulla; dopo il controllo lo importi tutto o niente.
census-import-unreadable = Il file non si legge: { $reason }
census-import-summary = Formato riconosciuto: { $format }. Risposte pronte: { $rows }. Problemi: { $errors }.
census-import-format-argine = esportazione di argine
census-import-format-kobo = KoboToolbox
census-import-format-limesurvey = LimeSurvey
census-import-format-plain = tabella con una colonna per domanda
census-import-has-errors = Il file contiene errori: correggili e caricalo di nuovo. Non è stato importato nulla.
census-import-warnings = { $count ->
    [one] Un avviso
   *[other] { $count } avvisi
}
census-import-ambiguous = Comuni da scegliere
census-import-which = Riga { $row }: quale Comune?
census-import-confirm-help = Il file non contiene errori. Importando, ogni riga diventa il questionario inviato del suo Comune.
census-import-unresolved = Scegli il Comune di ogni riga ambigua.
census-import-nothing = Non è stato importato nulla.
census-import-already-submitted = Riga { $row }: il Comune di { $comune } ha già inviato il questionario (per sostituirlo, riaprilo prima).
census-import-done = Importate { $count } risposte.
census-import-empty = Il file non contiene righe di dati.
census-import-invalid-form = Il questionario non si può applicare: { $message }
census-import-no-comune-column = Manca la colonna del Comune (codice ISTAT, codice catastale o nome).
census-import-comune-column-not-found = La colonna del Comune «{ $column }» non c'è.
census-import-no-link-column = Il foglio della parte ripetuta «{ $repeat }» non ha la colonna che lo collega alle risposte (per esempio _parent_index).
census-import-comune-missing = Il Comune non è indicato.
census-import-comune-not-found = «{ $value }» non è tra i Comuni della campagna.
census-import-suggestions = Forse: { $suggestions }.
census-import-duplicate-comune = Il Comune { $comune } compare già alla riga { $first_row }.
census-import-bad-resolution = La scelta «{ $istat }» non è tra i Comuni possibili.
census-import-incomplete = Risposta incompleta (non inviata nello strumento di origine).
census-import-orphan-row = La riga non è collegata a nessuna risposta del foglio principale ({ $parent }).
census-import-bad-instance-number = «{ $value }» non è un numero di riga della parte ripetuta.
census-import-duplicate-instance = La riga { $number } della parte ripetuta compare due volte.
census-import-too-many-instances = Troppe righe nella parte ripetuta (al massimo { $max }).
census-import-required = Manca la risposta obbligatoria «{ $field }».
census-import-constraint = «{ $value }» non è accettato per «{ $field }»: { $message }
census-import-bad-integer = «{ $value }» non è un numero intero.
census-import-bad-decimal = «{ $value }» non è un numero.
census-import-bad-date = «{ $value }» non è una data (AAAA-MM-GG o GG/MM/AAAA).
census-import-unknown-choice = «{ $value }» non è una delle risposte possibili.
census-import-bad-geopoint = «{ $value }» non è una posizione (latitudine longitudine).
census-import-bad-flag = «{ $value }» non è un valore sì/no riconosciuto.
census-import-too-long = Testo troppo lungo (al massimo { $max } caratteri).
census-import-unknown-column = La colonna non è una domanda del questionario ed è ignorata.
census-import-duplicate-column = Una seconda colonna per «{ $field }», ignorata.
census-import-unknown-sheet = Il foglio non è una parte ripetuta del questionario ed è ignorato.
census-import-skipped-incomplete = Risposta incompleta, saltata.
census-map-title = { $campaign }: tasso di risposta per provincia
census-map-not-invited = Nessun Comune invitato
census-map-alt = Mappa delle province colorate per tasso di risposta; gli stessi dati sono nella tabella per regione.

# Questionnaires to fill in through the account (Comune referents)
census-mine-title = Questionari da compilare
census-mine-lead = I questionari delle rilevazioni aperte per i Comuni della tua organizzazione. Si compilano come dal link ricevuto per posta elettronica: le risposte salvate sono le stesse.
census-mine-none = Nessun questionario da compilare per la tua organizzazione.
census-mine-open = Compila
