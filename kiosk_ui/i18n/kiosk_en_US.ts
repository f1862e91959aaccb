<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>AppointmentCheckin</name>
    <message>
        <source>This appointment is already checked in</source>
        <translation>This appointment is already checked in</translation>
    </message>
    <message>
        <source>This appointment was cancelled</source>
        <translation>This appointment was cancelled</translation>
    </message>
    <message>
        <source>This appointment was marked as missed</source>
        <translation>This appointment was marked as missed</translation>
    </message>
    <message>
        <source>It is too early to check in</source>
        <translation>It is too early to check in</translation>
    </message>
    <message>
        <source>The check-in time has passed</source>
        <translation>The check-in time has passed</translation>
    </message>
    <message>
        <source>Your appointment is on another day</source>
        <translation>Your appointment is on another day</translation>
    </message>
    <message>
        <source>We could not find your appointment</source>
        <translation>We could not find your appointment</translation>
    </message>
    <message>
        <source>The camera is not working right now</source>
        <translation>The camera is not working right now</translation>
    </message>
    <message>
        <source>We could not read a QR code</source>
        <translation>We could not read a QR code</translation>
    </message>
    <message>
        <source>Sorry, something went wrong</source>
        <translation>Sorry, something went wrong</translation>
    </message>
    <message>
        <source>This QR code is not a branch appointment</source>
        <translation>This QR code is not a branch appointment</translation>
    </message>
    <message>
        <source>If you have lost your ticket, please ask a member of staff.</source>
        <translation>If you have lost your ticket, please ask a member of staff.</translation>
    </message>
    <message>
        <source>You can book again online, or a member of staff can help you now.</source>
        <translation>You can book again online, or a member of staff can help you now.</translation>
    </message>
    <message>
        <source>Please ask a member of staff.</source>
        <translation>Please ask a member of staff.</translation>
    </message>
    <message>
        <source>Check-in opens at %1. Please come back then.</source>
        <translation>Check-in opens at %1. Please come back then.</translation>
    </message>
    <message>
        <source>Please ask a member of staff. They can still help you today.</source>
        <translation>Please ask a member of staff. They can still help you today.</translation>
    </message>
    <message>
        <source>Your appointment is on %1. Please come back that day.</source>
        <translation>Your appointment is on %1. Please come back that day.</translation>
    </message>
    <message>
        <source>The phone number and booking code did not match several times. Please ask a member of staff or call a teller.</source>
        <translation>The phone number and booking code did not match several times. Please ask a member of staff or call a teller.</translation>
    </message>
    <message>
        <source>Please use your phone number and booking code instead.</source>
        <translation>Please use your phone number and booking code instead.</translation>
    </message>
    <message>
        <source>Hold your phone a little closer to the camera, or use your phone number and booking code.</source>
        <translation>Hold your phone a little closer to the camera, or use your phone number and booking code.</translation>
    </message>
    <message>
        <source>Please show the QR code from your booking message, or use your phone number and booking code.</source>
        <translation>Please show the QR code from your booking message, or use your phone number and booking code.</translation>
    </message>
    <message>
        <source>Please check your phone number and booking code. Tries left: %1</source>
        <translation>Please check your phone number and booking code. Tries left: %1</translation>
    </message>
    <message>
        <source>Check in for your appointment</source>
        <translation>Check in for your appointment</translation>
    </message>
    <message>
        <source>How would you like to find your booking?</source>
        <translation>How would you like to find your booking?</translation>
    </message>
    <message>
        <source>Scan my QR code</source>
        <translation>Scan my QR code</translation>
    </message>
    <message>
        <source>Show the QR code from your booking message to the camera.</source>
        <translation>Show the QR code from your booking message to the camera.</translation>
    </message>
    <message>
        <source>Enter phone number and booking code</source>
        <translation>Enter phone number and booking code</translation>
    </message>
    <message>
        <source>Type them on the screen. The code is in your booking message.</source>
        <translation>Type them on the screen. The code is in your booking message.</translation>
    </message>
    <message>
        <source>Hold your QR code up to the camera</source>
        <translation>Hold your QR code up to the camera</translation>
    </message>
    <message>
        <source>The camera is just above this screen. Turn up your phone&apos;s brightness.</source>
        <translation>The camera is just above this screen. Turn up your phone&apos;s brightness.</translation>
    </message>
    <message>
        <source>Looking for a QR code…</source>
        <translation>Looking for a QR code…</translation>
    </message>
    <message>
        <source>Use phone number instead</source>
        <translation>Use phone number instead</translation>
    </message>
    <message>
        <source>Enter your mobile phone number</source>
        <translation>Enter your mobile phone number</translation>
    </message>
    <message>
        <source>The number you booked with</source>
        <translation>The number you booked with</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Enter your booking code</source>
        <translation>Enter your booking code</translation>
    </message>
    <message>
        <source>6 letters and numbers, from your booking message.</source>
        <translation>6 letters and numbers, from your booking message.</translation>
    </message>
    <message>
        <source>For example K7Q2MX</source>
        <translation>For example K7Q2MX</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Find my appointment</source>
        <translation>Find my appointment</translation>
    </message>
    <message>
        <source>Checking you in and printing your ticket…</source>
        <translation>Checking you in and printing your ticket…</translation>
    </message>
    <message>
        <source>Looking for your appointment…</source>
        <translation>Looking for your appointment…</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>Please wait a moment.</translation>
    </message>
    <message>
        <source>Is this your appointment?</source>
        <translation>Is this your appointment?</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>Today, %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Yes, check me in</source>
        <translation>Yes, check me in</translation>
    </message>
    <message>
        <source>No, this is not mine</source>
        <translation>No, this is not mine</translation>
    </message>
    <message>
        <source>You are checked in. Please take your ticket.</source>
        <translation>You are checked in. Please take your ticket.</translation>
    </message>
    <message>
        <source>You are checked in</source>
        <translation>You are checked in</translation>
    </message>
    <message>
        <source>People ahead of you: %1 · About %2 min</source>
        <translation>People ahead of you: %1 · About %2 min</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</translation>
    </message>
    <message>
        <source>Please wait until your number is called.</source>
        <translation>Please wait until your number is called.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Scan again</source>
        <translation>Scan again</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>Back to the menu</source>
        <translation>Back to the menu</translation>
    </message>
</context>
<context>
    <name>Attract</name>
    <message>
        <source>Welcome</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>Debit cards · Appointments · Help from a teller</source>
        <translation>Debit cards · Appointments · Help from a teller</translation>
    </message>
    <message>
        <source>Touch the screen to start</source>
        <translation>Touch the screen to start</translation>
    </message>
    <message>
        <source>Getting ready…</source>
        <translation>Getting ready…</translation>
    </message>
</context>
<context>
    <name>CallTellerOverlay</name>
    <message>
        <source>A teller is with you</source>
        <translation>A teller is with you</translation>
    </message>
    <message>
        <source>Calling a teller…</source>
        <translation>Calling a teller…</translation>
    </message>
    <message>
        <source>We are asking a bank employee to help you. Please stay at this machine.</source>
        <translation>We are asking a bank employee to help you. Please stay at this machine.</translation>
    </message>
    <message>
        <source>Video calls are not connected at this machine yet. If nobody comes soon, please go to the counter.</source>
        <translation>Video calls are not connected at this machine yet. If nobody comes soon, please go to the counter.</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>Cancel the call</translation>
    </message>
</context>
<context>
    <name>CardIssuance</name>
    <message>
        <source>Sorry, this machine has no cards left at the moment.</source>
        <translation>Sorry, this machine has no cards left at the moment.</translation>
    </message>
    <message>
        <source>The card was not taken in time, so the machine took it back and locked it away. Nobody can use it.</source>
        <translation>The card was not taken in time, so the machine took it back and locked it away. Nobody can use it.</translation>
    </message>
    <message>
        <source>The card machine needs attention from staff.</source>
        <translation>The card machine needs attention from staff.</translation>
    </message>
    <message>
        <source>The card was pulled out too early.</source>
        <translation>The card was pulled out too early.</translation>
    </message>
    <message>
        <source>The two PINs you typed were not the same, three times. The card was kept safe inside the machine.</source>
        <translation>The two PINs you typed were not the same, three times. The card was kept safe inside the machine.</translation>
    </message>
    <message>
        <source>The PIN was too easy to guess. The card was kept safe inside the machine.</source>
        <translation>The PIN was too easy to guess. The card was kept safe inside the machine.</translation>
    </message>
    <message>
        <source>You cancelled the PIN. The card was kept safe inside the machine.</source>
        <translation>You cancelled the PIN. The card was kept safe inside the machine.</translation>
    </message>
    <message>
        <source>No PIN was typed in time. The card was kept safe inside the machine.</source>
        <translation>No PIN was typed in time. The card was kept safe inside the machine.</translation>
    </message>
    <message>
        <source>The PIN keypad is not working.</source>
        <translation>The PIN keypad is not working.</translation>
    </message>
    <message>
        <source>We cannot reach the bank right now. Nothing was opened in your name.</source>
        <translation>We cannot reach the bank right now. Nothing was opened in your name.</translation>
    </message>
    <message>
        <source>The bank has no customer record for this ID card. A teller can open one for you.</source>
        <translation>The bank has no customer record for this ID card. A teller can open one for you.</translation>
    </message>
    <message>
        <source>Your ID card has expired. Please bring a valid ID card.</source>
        <translation>Your ID card has expired. Please bring a valid ID card.</translation>
    </message>
    <message>
        <source>The name on your ID card is not the name the bank holds. A teller can check it with you.</source>
        <translation>The name on your ID card is not the name the bank holds. A teller can check it with you.</translation>
    </message>
    <message>
        <source>You already have a debit card with us. A teller can help if it is lost.</source>
        <translation>You already have a debit card with us. A teller can help if it is lost.</translation>
    </message>
    <message>
        <source>You need to be older to get this card on your own. A teller can help with a parent.</source>
        <translation>You need to be older to get this card on your own. A teller can help with a parent.</translation>
    </message>
    <message>
        <source>The bank cannot issue a card here today. A teller can tell you why.</source>
        <translation>The bank cannot issue a card here today. A teller can tell you why.</translation>
    </message>
    <message>
        <source>Your signature could not be saved, so no card was given. A teller can help you.</source>
        <translation>Your signature could not be saved, so no card was given. A teller can help you.</translation>
    </message>
    <message>
        <source>The camera is not working, so we cannot check your ID here.</source>
        <translation>The camera is not working, so we cannot check your ID here.</translation>
    </message>
    <message>
        <source>Something went wrong with the card machine.</source>
        <translation>Something went wrong with the card machine.</translation>
    </message>
    <message>
        <source>Get a debit card</source>
        <translation>Get a debit card</translation>
    </message>
    <message>
        <source>Which one would you like?</source>
        <translation>Which one would you like?</translation>
    </message>
    <message>
        <source>It takes about 3 minutes. You will need:</source>
        <translation>It takes about 3 minutes. You will need:</translation>
    </message>
    <message>
        <source>Your ID card</source>
        <translation>Your ID card</translation>
    </message>
    <message>
        <source>To look at the camera and do what the screen asks</source>
        <translation>To look at the camera and do what the screen asks</translation>
    </message>
    <message>
        <source>To sign with your finger and choose a PIN on the keypad</source>
        <translation>To sign with your finger and choose a PIN on the keypad</translation>
    </message>
    <message>
        <source>The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish.</source>
        <translation>The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish.</translation>
    </message>
    <message>
        <source>I agree, let&apos;s start</source>
        <translation>I agree, let&apos;s start</translation>
    </message>
    <message>
        <source>Follow the instructions</source>
        <translation>Follow the instructions</translation>
    </message>
    <message>
        <source>Look at the camera</source>
        <translation>Look at the camera</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera</source>
        <translation>Hold your ID card up to the camera</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Starting the camera…</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Step %1 of %2</translation>
    </message>
    <message>
        <source>Please wait a moment…</source>
        <translation>Please wait a moment…</translation>
    </message>
    <message>
        <source>Identity confirmed</source>
        <translation>Identity confirmed</translation>
    </message>
    <message>
        <source>Next, please sign the card agreement.</source>
        <translation>Next, please sign the card agreement.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>We could not confirm your identity</source>
        <translation>We could not confirm your identity</translation>
    </message>
    <message>
        <source>You can try once more, or ask a teller for help.</source>
        <translation>You can try once more, or ask a teller for help.</translation>
    </message>
    <message>
        <source>Please ask a teller. They will help you get your card.</source>
        <translation>Please ask a teller. They will help you get your card.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>Call a teller</translation>
    </message>
    <message>
        <source>Read and sign the card agreement</source>
        <translation>Read and sign the card agreement</translation>
    </message>
    <message>
        <source>Sign here with your finger</source>
        <translation>Sign here with your finger</translation>
    </message>
    <message>
        <source>Please sign your name in the box.</source>
        <translation>Please sign your name in the box.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Confirm signature</source>
        <translation>Confirm signature</translation>
    </message>
    <message>
        <source>Type the same PIN again</source>
        <translation>Type the same PIN again</translation>
    </message>
    <message>
        <source>Choose a 6-digit PIN on the keypad</source>
        <translation>Choose a 6-digit PIN on the keypad</translation>
    </message>
    <message>
        <source>That PIN is too easy to guess. Please choose another one.</source>
        <translation>That PIN is too easy to guess. Please choose another one.</translation>
    </message>
    <message>
        <source>The two PINs were not the same. Please start again.</source>
        <translation>The two PINs were not the same. Please start again.</translation>
    </message>
    <message>
        <source>Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.</source>
        <translation>Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Please take your card</source>
        <translation>Please take your card</translation>
    </message>
    <message>
        <source>Printing your receipt…</source>
        <translation>Printing your receipt…</translation>
    </message>
    <message>
        <source>Preparing your card…</source>
        <translation>Preparing your card…</translation>
    </message>
    <message>
        <source>It is in the card slot below the screen. If it is not taken within %1 seconds, the machine keeps it safe.</source>
        <translation>It is in the card slot below the screen. If it is not taken within %1 seconds, the machine keeps it safe.</translation>
    </message>
    <message>
        <source>The bank is opening your account. Please wait, this takes a few seconds.</source>
        <translation>The bank is opening your account. Please wait, this takes a few seconds.</translation>
    </message>
    <message>
        <source>Please wait. This takes a few seconds.</source>
        <translation>Please wait. This takes a few seconds.</translation>
    </message>
    <message>
        <source>Your card is ready</source>
        <translation>Your card is ready</translation>
    </message>
    <message>
        <source>Card number %1</source>
        <translation>Card number %1</translation>
    </message>
    <message>
        <source>Card holder %1</source>
        <translation>Card holder %1</translation>
    </message>
    <message>
        <source>Please take your receipt. Your card works with the PIN you chose.</source>
        <translation>Please take your receipt. Your card works with the PIN you chose.</translation>
    </message>
    <message>
        <source>The printer is not working right now. Scan this code with your phone to get your receipt.</source>
        <translation>The printer is not working right now. Scan this code with your phone to get your receipt.</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>We could not give you a card</source>
        <translation>We could not give you a card</translation>
    </message>
    <message>
        <source>A teller can help you get your card.</source>
        <translation>A teller can help you get your card.</translation>
    </message>
    <message>
        <source>Back to the menu</source>
        <translation>Back to the menu</translation>
    </message>
</context>
<context>
    <name>CheckinServices</name>
    <message>
        <source>Open an account</source>
        <translation>Open an account</translation>
    </message>
    <message>
        <source>Loan consultation</source>
        <translation>Loan consultation</translation>
    </message>
    <message>
        <source>Wealth management</source>
        <translation>Wealth management</translation>
    </message>
    <message>
        <source>Cards and payments</source>
        <translation>Cards and payments</translation>
    </message>
    <message>
        <source>Foreign exchange</source>
        <translation>Foreign exchange</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Start over</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Please choose your language</source>
        <translation>Please choose your language</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <source>Not offered at this machine yet. A teller can help you.</source>
        <translation>Not offered at this machine yet. A teller can help you.</translation>
    </message>
    <message>
        <source>Getting ready, please wait a moment.</source>
        <translation>Getting ready, please wait a moment.</translation>
    </message>
    <message>
        <source>Temporarily unavailable. A teller can help you.</source>
        <translation>Temporarily unavailable. A teller can help you.</translation>
    </message>
    <message>
        <source>What would you like to do?</source>
        <translation>What would you like to do?</translation>
    </message>
    <message>
        <source>Touch a service to begin.</source>
        <translation>Touch a service to begin.</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>card dispenser</source>
        <translation>card dispenser</translation>
    </message>
    <message>
        <source>receipt printer</source>
        <translation>receipt printer</translation>
    </message>
    <message>
        <source>camera</source>
        <translation>camera</translation>
    </message>
    <message>
        <source>system</source>
        <translation>system</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now</source>
        <translation>Sorry, this machine cannot serve you right now</translation>
    </message>
    <message>
        <source>Part of its equipment is not working. It will be back by itself as soon as it is fixed.</source>
        <translation>Part of its equipment is not working. It will be back by itself as soon as it is fixed.</translation>
    </message>
    <message>
        <source>You can still:</source>
        <translation>You can still:</translation>
    </message>
    <message>
        <source>A bank employee will help you.</source>
        <translation>A bank employee will help you.</translation>
    </message>
    <message>
        <source>Go to the counter</source>
        <translation>Go to the counter</translation>
    </message>
    <message>
        <source>Our staff inside the branch are happy to help you.</source>
        <translation>Our staff inside the branch are happy to help you.</translation>
    </message>
    <message>
        <source>Not working: %1</source>
        <translation>Not working: %1</translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <source>Get a debit card</source>
        <extracomment>Modules that may provide flows; each has ``register(registry: ScreenRegistry) -&gt; None``. A module that does not exist yet is simply skipped (its menu entry stays disabled). Counts as customer activity: call it while the customer is busy without touching the screen (a card being dispensed, a face being captured) so the session stays. Builds the page&apos;s view-model (a QObject) for one customer session. Device kinds the flow cannot run without.</extracomment>
        <translation>Get a debit card</translation>
    </message>
    <message>
        <source>A new card in minutes. Please have your ID card ready.</source>
        <translation>A new card in minutes. Please have your ID card ready.</translation>
    </message>
    <message>
        <source>Check in for an appointment</source>
        <translation>Check in for an appointment</translation>
    </message>
    <message>
        <source>Booked online or by phone? Check in here.</source>
        <translation>Booked online or by phone? Check in here.</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>Call a teller</translation>
    </message>
    <message>
        <source>A bank employee will help you.</source>
        <translation>A bank employee will help you.</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Call a teller</source>
        <translation>Call a teller</translation>
    </message>
</context>
<context>
    <name>TimeoutPrompt</name>
    <message>
        <source>Need more time?</source>
        <translation>Need more time?</translation>
    </message>
    <message>
        <source>Please answer, or the screen will be cleared to protect your privacy.</source>
        <translation>Please answer, or the screen will be cleared to protect your privacy.</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>seconds</translation>
    </message>
    <message>
        <source>Yes, I need more time</source>
        <translation>Yes, I need more time</translation>
    </message>
    <message>
        <source>No, I am finished</source>
        <translation>No, I am finished</translation>
    </message>
</context>
</TS>
