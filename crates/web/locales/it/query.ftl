# Richieste ai Comuni durante il controllo dei dati (crates/web/src/census/query.rs e query_link.rs)

## Segreteria
census-query-ask = Chiedi al Comune
census-query-ask-short = Chiedi
census-query-new-title = Chiedi al Comune
census-query-new-lead = Il messaggio parte subito con un link riservato a questa richiesta, valido { $days } giorni anche a rilevazione chiusa. Il Comune risponde dal link, con un testo ed eventualmente il valore corretto; la risposta compare tra le richieste della campagna.
census-query-issue = Problema
census-query-issue-gone = Il problema indicato non compare più tra quelli trovati dalle regole (forse è già stato corretto): si può comunque inviare una richiesta libera.
census-query-to = Destinatario
census-query-no-address = Il Comune non ha né PEC né e-mail in questa campagna: la richiesta non si può inviare. Aggiungere un indirizzo nella scheda del Comune o contattarlo per telefono.
census-query-question = Domanda
census-query-question-none = Nessuna domanda in particolare
census-query-question-help = Se si sceglie una domanda, il Comune vede il valore attuale e può proporne uno corretto.
census-query-message = Messaggio al Comune
census-query-message-help = Il testo si può modificare. Il link per rispondere viene aggiunto in fondo all'e-mail.
census-query-send = Invia la richiesta
census-query-sent = Richiesta inviata: l'e-mail è in coda per l'invio.
census-query-prefill =
    Gentile Comune di { $comune },
    nel controllo dei dati della rilevazione «{ $campaign }» è emerso questo problema: { $issue }
    Potete verificare e rispondere dal link qui sotto, indicando se serve il valore corretto?
    Grazie.
census-query-prefill-question =
    Gentile Comune di { $comune },
    nel controllo dei dati della rilevazione «{ $campaign }» vorremmo una verifica sulla domanda «{ $question }» (valore indicato: { $value }).
    Potete rispondere dal link qui sotto, indicando se serve il valore corretto?
    Grazie.
census-query-prefill-free =
    Gentile Comune di { $comune },
    nel controllo dei dati della rilevazione «{ $campaign }» vorremmo chiedervi un chiarimento:

    Grazie.
census-query-empty-value = nessuna risposta

census-query-list-title = Richieste ai Comuni
census-query-list-lead = Le richieste inviate ai Comuni durante il controllo dei dati, con le loro risposte. Una risposta con un valore proposto si può applicare come correzione (fonte: nuovo contatto con il Comune), oppure si chiude la richiesta senza modifiche, con una nota.
census-query-list-link = Richieste ai Comuni
census-query-list-none = Nessuna richiesta.
census-query-filter-all = Tutte
census-query-sent-at = Inviata
census-query-answered-at = Risposta
census-query-mail = E-mail
census-query-status = Stato
census-query-status-open = in attesa di risposta
census-query-status-answered = risposta ricevuta
census-query-status-closed = chiusa
census-query-outcome-corrected = chiusa con correzione
census-query-outcome-unchanged = chiusa senza modifiche
census-query-free = Richiesta libera
census-query-of-comune = Richieste a questo Comune

census-query-detail-title = Richiesta n. { $id }
census-query-by = Inviata da
census-query-expires = Link valido fino al
census-query-expired = link scaduto
census-query-opened = Link aperto dal Comune
census-query-not-opened = non ancora aperto
census-query-answer = Risposta del Comune
census-query-no-answer = Il Comune non ha ancora risposto.
census-query-proposed = Valore proposto
census-query-no-proposed = Nessun valore proposto.
census-query-current = Valore attuale (pulito)
census-query-apply-title = Applica il valore proposto
census-query-apply-lead = Diventa una correzione con fonte «nuovo contatto con il Comune» e con la risposta del Comune come motivo; la richiesta si chiude.
census-query-apply = Applica come correzione
census-query-close-title = Chiudi senza modifiche
census-query-close-note = Nota (perché non si cambia nulla)
census-query-close = Chiudi la richiesta
census-query-closed-on = Chiusa il
census-query-closed-by = da
census-query-correction = Correzione
census-query-correction-reason = Risposta del Comune alla richiesta n. { $id } del { $date }: «{ $answer }»
census-query-changed = La risposta del Comune è cambiata o la richiesta è già chiusa: ricaricare la pagina.
census-query-not-submitted = Il Comune non ha inviato la risposta al questionario: non c'è nulla da chiedere o correggere.

census-query-mail-subject = { $campaign }: richiesta di verifica per il Comune di { $comune }
census-query-mail-body =
    { $message }

    Per rispondere, aprite questo link (valido fino al { $expires }, non serve un account):
    { $link }

    Il link è riservato a questa richiesta: non inoltratelo fuori dall'ufficio.

    Segreteria del censimento — { $instance }

## Errori
census-query-error-message = Il messaggio al Comune è obbligatorio.
census-query-error-path = La domanda scelta non esiste in questa risposta.
census-query-error-answer = Scrivete la vostra risposta nel campo «Risposta».
census-query-error-too-long = Il testo è troppo lungo (al massimo 2000 caratteri).
census-query-error-integer = Il valore corretto deve essere un numero intero, ad esempio 120.
census-query-error-number = Il valore corretto deve essere un numero, ad esempio 12,5.
census-query-error-note = Per chiudere senza modifiche serve una nota che spieghi perché.
census-query-error-no-address = { census-query-no-address }
census-query-error-unchanged = Il valore proposto è uguale a quello attuale: chiudere la richiesta senza modifiche.
census-query-error-no-proposed = Il Comune non ha proposto un valore da applicare.

## Comune (link /richiesta/…)
census-query-link-title = Richiesta della segreteria del censimento
census-query-link-unknown = Questo link non corrisponde a nessuna richiesta. Controllate di averlo copiato per intero dall'e-mail ricevuta.
census-query-link-expired = Questo link è scaduto. Se la richiesta vi serve ancora, scrivete alla segreteria del censimento.
census-query-link-closed = La segreteria ha chiuso questa richiesta: non serve altro. Grazie.
census-query-answer-title = Richiesta di verifica
census-query-answer-lead = La segreteria del censimento «{ $campaign }» chiede al Comune di { $comune } una verifica sui dati inviati.
census-query-answer-message = Messaggio della segreteria
census-query-answer-question = La domanda
census-query-answer-current = Valore attuale
census-query-answer-text = Risposta
census-query-answer-text-help = Obbligatoria. Spiegate ad esempio se il valore è giusto o da dove viene quello corretto.
census-query-answer-value = Valore corretto (facoltativo)
census-query-answer-value-help = Solo se il valore attuale è sbagliato.
census-query-answer-send = Invia la risposta
census-query-answer-errors = La risposta non è stata inviata:
census-query-answer-again = Avete già risposto il { $when }. Potete modificare la risposta finché la segreteria non chiude la richiesta.
census-query-receipt-title = Risposta ricevuta
census-query-receipt-lead = Grazie: la risposta del Comune di { $comune } è stata ricevuta il { $when }. La segreteria la esaminerà.
census-query-receipt-edit = Modifica la risposta
