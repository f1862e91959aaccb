<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>AppointmentCheckin</name>
    <message>
        <source>Check in for your appointment. Choose: scan the QR code from your booking message, or type your phone number.</source>
        <translation>Check in for your appointment. Choose: scan the QR code from your booking message, or type your phone number.</translation>
    </message>
    <message>
        <source>Hold the QR code on your phone up to the camera above the screen. Or use your phone number instead.</source>
        <translation>Hold the QR code on your phone up to the camera above the screen. Or use your phone number instead.</translation>
    </message>
    <message>
        <source>Type the mobile phone number you booked with, then press Next.</source>
        <translation>Type the mobile phone number you booked with, then press Next.</translation>
    </message>
    <message>
        <source>Type the 6 letters and numbers of your booking code, then press Find my appointment.</source>
        <translation>Type the 6 letters and numbers of your booking code, then press Find my appointment.</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>Please wait a moment.</translation>
    </message>
    <message>
        <source>Is this your appointment? Press Yes, check me in, or No, this is not mine.</source>
        <translation>Is this your appointment? Press Yes, check me in, or No, this is not mine.</translation>
    </message>
    <message>
        <source>. </source>
        <translation>. </translation>
    </message>
    <message>
        <source>You&apos;re next.</source>
        <translation>You&apos;re next.</translation>
    </message>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>%n person ahead of you</numerusform>
            <numerusform>%n people ahead of you</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message numerus="yes">
        <source>about %n minutes</source>
        <translation>
            <numerusform>about %n minute</numerusform>
            <numerusform>about %n minutes</numerusform>
        </translation>
    </message>
    <message>
        <source>Your number is %1.</source>
        <translation>Your number is %1.</translation>
    </message>
    <message>
        <source>.</source>
        <translation>.</translation>
    </message>
    <message>
        <source>The printer is not working, so please remember your number or photograph the code on the screen.</source>
        <translation>The printer is not working, so please remember your number or photograph the code on the screen.</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen, then wait until your number is called.</source>
        <translation>Please take your ticket from the slot below the screen, then wait until your number is called.</translation>
    </message>
    <message>
        <source>The camera is not connected. Please ask staff for help.</source>
        <translation>The camera is not connected. Please ask staff for help.</translation>
    </message>
    <message>
        <source>The camera picture has stopped. Please wait a moment or ask staff.</source>
        <translation>The camera picture has stopped. Please wait a moment or ask staff.</translation>
    </message>
    <message>
        <source>The picture is too dark. Please stand in the light or ask staff.</source>
        <translation>The picture is too dark. Please stand in the light or ask staff.</translation>
    </message>
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
        <source>You are already in the queue. If you have lost your ticket, we can print it again.</source>
        <translation>You are already in the queue. If you have lost your ticket, we can print it again.</translation>
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
        <source>Or use your phone number and booking code instead.</source>
        <translation>Or use your phone number and booking code instead.</translation>
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
        <source>Type my phone number</source>
        <translation>Type my phone number</translation>
    </message>
    <message>
        <source>Then type the booking code from your booking message.</source>
        <translation>Then type the booking code from your booking message.</translation>
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
    <message numerus="yes">
        <source>%n digits typed</source>
        <translation>
            <numerusform>%n digit typed</numerusform>
            <numerusform>%n digits typed</numerusform>
        </translation>
    </message>
    <message>
        <source> · </source>
        <translation> · </translation>
    </message>
    <message>
        <source>A mobile number has 11 digits.</source>
        <translation>A mobile number has 11 digits.</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
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
        <source>You are checked in</source>
        <translation>You are checked in</translation>
    </message>
    <message>
        <source>You are checked in. Your ticket is printed — please tear it off.</source>
        <translation>You are checked in. Your ticket is printed — please tear it off.</translation>
    </message>
    <message>
        <source>You are checked in. Please take your ticket.</source>
        <translation>You are checked in. Please take your ticket.</translation>
    </message>
    <message>
        <source>The printer stopped part-way. Please ignore any piece of paper that came out. Your ticket is here on screen: please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>The printer stopped part-way. Please ignore any piece of paper that came out. Your ticket is here on screen: please remember your number, or photograph this code. Staff can print your ticket later.</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</translation>
    </message>
    <message>
        <source>The printer could not cut the paper. Please pull your ticket gently and tear it off at the slot.</source>
        <translation>The printer could not cut the paper. Please pull your ticket gently and tear it off at the slot.</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen.</source>
        <translation>Please take your ticket from the slot below the screen.</translation>
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
        <source>Print my ticket again</source>
        <translation>Print my ticket again</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>Call a teller</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
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
    <name>AttractScreen</name>
    <message>
        <source>Welcome. Touch the screen to start. You can also choose larger text or high contrast, or call a teller.</source>
        <translation>Welcome. Touch the screen to start. You can also choose larger text or high contrast, or call a teller.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
</context>
<context>
    <name>CallConnecting</name>
    <message>
        <source>A teller is answering your call. The video is starting. You can cancel the call.</source>
        <translation>A teller is answering your call. The video is starting. You can cancel the call.</translation>
    </message>
    <message>
        <source>%1 is answering your call</source>
        <translation>%1 is answering your call</translation>
    </message>
    <message>
        <source>A teller is answering your call</source>
        <translation>A teller is answering your call</translation>
    </message>
    <message>
        <source>Starting the video. This takes a few seconds.</source>
        <translation>Starting the video. This takes a few seconds.</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>Cancel the call</translation>
    </message>
</context>
<context>
    <name>CallConsent</name>
    <message>
        <source>Talk to a teller on video? The teller will see and hear you, and the call is recorded. Choose yes, call a teller, or no, thank you.</source>
        <translation>Talk to a teller on video? The teller will see and hear you, and the call is recorded. Choose yes, call a teller, or no, thank you.</translation>
    </message>
    <message>
        <source>Talk to a teller on video?</source>
        <translation>Talk to a teller on video?</translation>
    </message>
    <message>
        <source>The teller will see and hear you through this machine&apos;s camera and microphone, so they can help you and check your ID card.</source>
        <translation>The teller will see and hear you through this machine&apos;s camera and microphone, so they can help you and check your ID card.</translation>
    </message>
    <message>
        <source>The call is recorded and kept safely by the bank as proof of what was agreed. Only the bank can see it.</source>
        <translation>The call is recorded and kept safely by the bank as proof of what was agreed. Only the bank can see it.</translation>
    </message>
    <message>
        <source>Is that all right?</source>
        <translation>Is that all right?</translation>
    </message>
    <message>
        <source>Yes, call a teller</source>
        <translation>Yes, call a teller</translation>
    </message>
    <message>
        <source>No, thank you</source>
        <translation>No, thank you</translation>
    </message>
</context>
<context>
    <name>CallDocument</name>
    <message>
        <source>Your teller has sent a document. Read it, then sign with your finger and confirm, or choose that you do not want to sign.</source>
        <translation>Your teller has sent a document. Read it, then sign with your finger and confirm, or choose that you do not want to sign.</translation>
    </message>
    <message>
        <source>Please read this, then sign it</source>
        <translation>Please read this, then sign it</translation>
    </message>
    <message>
        <source>Your teller</source>
        <translation>Your teller</translation>
    </message>
    <message>
        <source>Slide up to read more ↓</source>
        <translation>Slide up to read more ↓</translation>
    </message>
    <message>
        <source>Document code. The same code is on your teller&apos;s screen:</source>
        <translation>Document code. The same code is on your teller&apos;s screen:</translation>
    </message>
    <message>
        <source>This document could not be checked, so it cannot be signed here. Please tell the teller.</source>
        <translation>This document could not be checked, so it cannot be signed here. Please tell the teller.</translation>
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
        <source>I do not want to sign</source>
        <translation>I do not want to sign</translation>
    </message>
    <message>
        <source>Thank you. Your answer is on its way to the teller.</source>
        <translation>Thank you. Your answer is on its way to the teller.</translation>
    </message>
</context>
<context>
    <name>CallEnded</name>
    <message>
        <source>The teller has ended the call. You can go back to the services.</source>
        <translation>The teller has ended the call. You can go back to the services.</translation>
    </message>
    <message>
        <source>The teller has ended the call</source>
        <translation>The teller has ended the call</translation>
    </message>
    <message>
        <source>Thank you for calling. If you still need help, you can call again or go to the counter.</source>
        <translation>Thank you for calling. If you still need help, you can call again or go to the counter.</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>Back to the services</translation>
    </message>
</context>
<context>
    <name>CallInCall</name>
    <message>
        <source>You are talking to a teller on video. You can turn the microphone off or on, or end the call.</source>
        <translation>You are talking to a teller on video. You can turn the microphone off or on, or end the call.</translation>
    </message>
    <message>
        <source>The teller cannot see you well: the picture is too dark. Please stand in the light.</source>
        <translation>The teller cannot see you well: the picture is too dark. Please stand in the light.</translation>
    </message>
    <message>
        <source>The camera picture has stopped, so the teller cannot see you. They can still hear you.</source>
        <translation>The camera picture has stopped, so the teller cannot see you. They can still hear you.</translation>
    </message>
    <message>
        <source>The camera is not working, so the teller cannot see you. They can still hear you.</source>
        <translation>The camera is not working, so the teller cannot see you. They can still hear you.</translation>
    </message>
    <message>
        <source>Your teller is printing a document for you. Please take it from the printer.</source>
        <translation>Your teller is printing a document for you. Please take it from the printer.</translation>
    </message>
    <message>
        <source>Your teller has sent you a document to sign.</source>
        <translation>Your teller has sent you a document to sign.</translation>
    </message>
    <message>
        <source>Your teller has confirmed who you are. You can go on.</source>
        <translation>Your teller has confirmed who you are. You can go on.</translation>
    </message>
    <message>
        <source>Please show your ID card to the camera again.</source>
        <translation>Please show your ID card to the camera again.</translation>
    </message>
    <message>
        <source>Your teller could not confirm who you are.</source>
        <translation>Your teller could not confirm who you are.</translation>
    </message>
    <message>
        <source>You can go on by yourself now.</source>
        <translation>You can go on by yourself now.</translation>
    </message>
    <message>
        <source>You are talking to</source>
        <translation>You are talking to</translation>
    </message>
    <message>
        <source>a bank teller</source>
        <translation>a bank teller</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>Recording</translation>
    </message>
    <message>
        <source>The teller&apos;s picture is on its way…</source>
        <translation>The teller&apos;s picture is on its way…</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Your microphone is off. The teller cannot hear you.</source>
        <translation>Your microphone is off. The teller cannot hear you.</translation>
    </message>
    <message>
        <source>Speak normally. The teller can see and hear you.</source>
        <translation>Speak normally. The teller can see and hear you.</translation>
    </message>
    <message>
        <source>Turn on microphone</source>
        <translation>Turn on microphone</translation>
    </message>
    <message>
        <source>Turn off microphone</source>
        <translation>Turn off microphone</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>End the call</translation>
    </message>
</context>
<context>
    <name>CallNoTeller</name>
    <message>
        <source>Type your mobile number with the keys, then book the call back, or go back.</source>
        <translation>Type your mobile number with the keys, then book the call back, or go back.</translation>
    </message>
    <message>
        <source>No teller is free right now. Choose a time for us to phone you back, or go back to the services.</source>
        <translation>No teller is free right now. Choose a time for us to phone you back, or go back to the services.</translation>
    </message>
    <message>
        <source>No teller is free right now. Please go to the counter, or go back to the services.</source>
        <translation>No teller is free right now. Please go to the counter, or go back to the services.</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>Tomorrow</translation>
    </message>
    <message>
        <source>We will phone you today at %1.</source>
        <translation>We will phone you today at %1.</translation>
    </message>
    <message>
        <source>We will phone you tomorrow at %1.</source>
        <translation>We will phone you tomorrow at %1.</translation>
    </message>
    <message>
        <source>We will phone you on %1 at %2.</source>
        <translation>We will phone you on %1 at %2.</translation>
    </message>
    <message>
        <source>Your mobile number</source>
        <translation>Your mobile number</translation>
    </message>
    <message>
        <source>Tellers are not working at this hour</source>
        <translation>Tellers are not working at this hour</translation>
    </message>
    <message>
        <source>No teller is working right now</source>
        <translation>No teller is working right now</translation>
    </message>
    <message>
        <source>No teller is free right now</source>
        <translation>No teller is free right now</translation>
    </message>
    <message>
        <source>Video calls are answered during the bank&apos;s opening hours.</source>
        <translation>Video calls are answered during the bank&apos;s opening hours.</translation>
    </message>
    <message>
        <source>Sorry, no video teller is at work at the moment.</source>
        <translation>Sorry, no video teller is at work at the moment.</translation>
    </message>
    <message>
        <source>Sorry, all tellers are busy and nobody could answer in time.</source>
        <translation>Sorry, all tellers are busy and nobody could answer in time.</translation>
    </message>
    <message>
        <source>We can phone you back. Choose a time:</source>
        <translation>We can phone you back. Choose a time:</translation>
    </message>
    <message>
        <source>Please go to the counter, or try again later.</source>
        <translation>Please go to the counter, or try again later.</translation>
    </message>
    <message>
        <source>Phone me at this time</source>
        <translation>Phone me at this time</translation>
    </message>
    <message>
        <source>Type your number below</source>
        <translation>Type your number below</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Book the call back</source>
        <translation>Book the call back</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>Back to the services</translation>
    </message>
</context>
<context>
    <name>CallReconnecting</name>
    <message>
        <source>The connection is weak. We are reconnecting you to the teller. Please wait, or end the call.</source>
        <translation>The connection is weak. We are reconnecting you to the teller. Please wait, or end the call.</translation>
    </message>
    <message>
        <source>The connection is weak</source>
        <translation>The connection is weak</translation>
    </message>
    <message>
        <source>We are reconnecting you to the teller. Please wait here, this takes a few seconds.</source>
        <translation>We are reconnecting you to the teller. Please wait here, this takes a few seconds.</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>End the call</translation>
    </message>
</context>
<context>
    <name>CallTellerOverlay</name>
    <message>
        <source>Calling a teller…</source>
        <translation>Calling a teller…</translation>
    </message>
    <message>
        <source>We are asking a bank employee to help you. Please stay at this machine.</source>
        <translation>We are asking a bank employee to help you. Please stay at this machine.</translation>
    </message>
    <message>
        <source>Video calls are not connected at this machine. If nobody comes soon, please go to the counter.</source>
        <translation>Video calls are not connected at this machine. If nobody comes soon, please go to the counter.</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>Cancel the call</translation>
    </message>
    <message>
        <source>We are calling a teller for you. Please stay at this machine. You can cancel the call.</source>
        <translation>We are calling a teller for you. Please stay at this machine. You can cancel the call.</translation>
    </message>
</context>
<context>
    <name>CallUnavailable</name>
    <message>
        <source>Video calls are not working right now. Please go to the counter, or go back to the services.</source>
        <translation>Video calls are not working right now. Please go to the counter, or go back to the services.</translation>
    </message>
    <message>
        <source>Video calls are not working right now</source>
        <translation>Video calls are not working right now</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot reach the tellers at the moment. Please go to the counter, a member of staff will help you.</source>
        <translation>Sorry, this machine cannot reach the tellers at the moment. Please go to the counter, a member of staff will help you.</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>Back to the services</translation>
    </message>
</context>
<context>
    <name>CallWaiting</name>
    <message>
        <source>You are number %1 in the queue for a teller. Please wait here, or stop waiting.</source>
        <translation>You are number %1 in the queue for a teller. Please wait here, or stop waiting.</translation>
    </message>
    <message>
        <source>Calling a teller. Please wait here, or stop waiting.</source>
        <translation>Calling a teller. Please wait here, or stop waiting.</translation>
    </message>
    <message>
        <source>You are number %1 in the queue</source>
        <translation>You are number %1 in the queue</translation>
    </message>
    <message>
        <source>Calling a teller…</source>
        <translation>Calling a teller…</translation>
    </message>
    <message>
        <source>Waiting time</source>
        <translation>Waiting time</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>less than a minute</translation>
    </message>
    <message>
        <source>about 1 minute</source>
        <translation>about 1 minute</translation>
    </message>
    <message>
        <source>about %1 minutes</source>
        <translation>about %1 minutes</translation>
    </message>
    <message>
        <source>While you wait:</source>
        <translation>While you wait:</translation>
    </message>
    <message>
        <source>Please stay in front of the screen.</source>
        <translation>Please stay in front of the screen.</translation>
    </message>
    <message>
        <source>Have your ID card ready, if you brought it.</source>
        <translation>Have your ID card ready, if you brought it.</translation>
    </message>
    <message>
        <source>The teller&apos;s picture will appear here by itself.</source>
        <translation>The teller&apos;s picture will appear here by itself.</translation>
    </message>
    <message>
        <source>Stop waiting</source>
        <translation>Stop waiting</translation>
    </message>
</context>
<context>
    <name>CallbackBooked</name>
    <message>
        <source>Your call back is booked. A bank employee will phone you at that time. Press finish.</source>
        <translation>Your call back is booked. A bank employee will phone you at that time. Press finish.</translation>
    </message>
    <message>
        <source>Your call back is booked</source>
        <translation>Your call back is booked</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>Tomorrow</translation>
    </message>
    <message>
        <source>A bank employee will phone you at that time. You do not need to stay at this machine.</source>
        <translation>A bank employee will phone you at that time. You do not need to stay at this machine.</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>CardIssuance</name>
    <message>
        <source>The camera is not connected. Please ask staff for help.</source>
        <translation>The camera is not connected. Please ask staff for help.</translation>
    </message>
    <message>
        <source>The camera picture has stopped. Please wait a moment or ask staff.</source>
        <translation>The camera picture has stopped. Please wait a moment or ask staff.</translation>
    </message>
    <message>
        <source>The picture is too dark. Please stand in the light or ask staff.</source>
        <translation>The picture is too dark. Please stand in the light or ask staff.</translation>
    </message>
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
        <source>The teller could not confirm who you are, so no card was given. Please visit the counter with your ID card.</source>
        <translation>The teller could not confirm who you are, so no card was given. Please visit the counter with your ID card.</translation>
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
        <source>Try again</source>
        <translation>Try again</translation>
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
        <source>Your receipt is printed, but the printer could not cut it. Please tear it off gently. Your card works with the PIN you chose.</source>
        <translation>Your receipt is printed, but the printer could not cut it. Please tear it off gently. Your card works with the PIN you chose.</translation>
    </message>
    <message>
        <source>Please take your receipt. Your card works with the PIN you chose.</source>
        <translation>Please take your receipt. Your card works with the PIN you chose.</translation>
    </message>
    <message>
        <source>The printer stopped part-way. Please ignore any piece of paper that came out. Scan this code with your phone to get your receipt.</source>
        <translation>The printer stopped part-way. Please ignore any piece of paper that came out. Scan this code with your phone to get your receipt.</translation>
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
        <source>We could not read your ID card.</source>
        <translation>We could not read your ID card.</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera.</source>
        <translation>Hold your ID card up to the camera.</translation>
    </message>
    <message>
        <source>Move the card so all four corners are on the screen.</source>
        <translation>Move the card so all four corners are on the screen.</translation>
    </message>
    <message>
        <source>Bring the card closer to the camera.</source>
        <translation>Bring the card closer to the camera.</translation>
    </message>
    <message>
        <source>Hold the card still for a moment.</source>
        <translation>Hold the card still for a moment.</translation>
    </message>
    <message>
        <source>The card is not sharp. Move it a little further away.</source>
        <translation>The card is not sharp. Move it a little further away.</translation>
    </message>
    <message>
        <source>There is a reflection on the card. Tilt it slightly.</source>
        <translation>There is a reflection on the card. Tilt it slightly.</translation>
    </message>
    <message>
        <source>Got it. Thank you.</source>
        <translation>Got it. Thank you.</translation>
    </message>
    <message>
        <source>We cannot see the photo on the card. Show the side with your photo.</source>
        <translation>We cannot see the photo on the card. Show the side with your photo.</translation>
    </message>
    <message>
        <source>We could not read the card. Please hold it flat and still.</source>
        <translation>We could not read the card. Please hold it flat and still.</translation>
    </message>
    <message>
        <source>Thank you. Please put your card away and look at the camera.</source>
        <translation>Thank you. Please put your card away and look at the camera.</translation>
    </message>
    <message>
        <source>Please look at the camera.</source>
        <translation>Please look at the camera.</translation>
    </message>
    <message>
        <source>Please come a little closer.</source>
        <translation>Please come a little closer.</translation>
    </message>
    <message>
        <source>Please hold still and look at the camera.</source>
        <translation>Please hold still and look at the camera.</translation>
    </message>
    <message>
        <source>Please blink.</source>
        <translation>Please blink.</translation>
    </message>
    <message>
        <source>Please turn your head slowly to your left.</source>
        <translation>Please turn your head slowly to your left.</translation>
    </message>
    <message>
        <source>Please turn your head slowly to your right.</source>
        <translation>Please turn your head slowly to your right.</translation>
    </message>
    <message>
        <source>Please smile.</source>
        <translation>Please smile.</translation>
    </message>
    <message>
        <source>Please nod your head slowly: down, then up.</source>
        <translation>Please nod your head slowly: down, then up.</translation>
    </message>
    <message>
        <source>Follow the moving dot with your head.</source>
        <translation>Follow the moving dot with your head.</translation>
    </message>
    <message>
        <source>Let&apos;s try a different movement.</source>
        <translation>Let&apos;s try a different movement.</translation>
    </message>
    <message>
        <source>Well done.</source>
        <translation>Well done.</translation>
    </message>
    <message>
        <source>Well done. Now look straight at the screen again.</source>
        <translation>Well done. Now look straight at the screen again.</translation>
    </message>
    <message>
        <source>Thank you. Your identity is confirmed.</source>
        <translation>Thank you. Your identity is confirmed.</translation>
    </message>
    <message>
        <source>Your face did not match the photo on your ID card.</source>
        <translation>Your face did not match the photo on your ID card.</translation>
    </message>
    <message>
        <source>We could not see your face clearly.</source>
        <translation>We could not see your face clearly.</translation>
    </message>
    <message>
        <source>The check took too long: we did not see the movement in time.</source>
        <translation>The check took too long: we did not see the movement in time.</translation>
    </message>
    <message>
        <source>That was not the movement we asked for.</source>
        <translation>That was not the movement we asked for.</translation>
    </message>
    <message>
        <source>Someone else came in front of the camera.</source>
        <translation>Someone else came in front of the camera.</translation>
    </message>
    <message>
        <source>We could not confirm that you are here in person.</source>
        <translation>We could not confirm that you are here in person.</translation>
    </message>
    <message>
        <source>The identity check is not working right now.</source>
        <translation>The identity check is not working right now.</translation>
    </message>
    <message>
        <source>We could not confirm who you are.</source>
        <translation>We could not confirm who you are.</translation>
    </message>
    <message>
        <source>Hold the ID card flat and still, photo side towards the camera, inside the white frame.</source>
        <translation>Hold the ID card flat and still, photo side towards the camera, inside the white frame.</translation>
    </message>
    <message>
        <source>Take off a hat or dark glasses, and keep your face inside the white oval.</source>
        <translation>Take off a hat or dark glasses, and keep your face inside the white oval.</translation>
    </message>
    <message>
        <source>Move your head slowly, as the picture on the screen shows.</source>
        <translation>Move your head slowly, as the picture on the screen shows.</translation>
    </message>
    <message>
        <source>Please stand alone in front of the camera.</source>
        <translation>Please stand alone in front of the camera.</translation>
    </message>
    <message>
        <source>about %1 minutes</source>
        <translation>about %1 minutes</translation>
    </message>
    <message>
        <source>about a minute</source>
        <translation>about a minute</translation>
    </message>
    <message>
        <source>about half a minute</source>
        <translation>about half a minute</translation>
    </message>
    <message>
        <source>More below</source>
        <translation>More below</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>Step %1 of %2: %3</translation>
    </message>
    <message>
        <source>Your face</source>
        <translation>Your face</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Sign</translation>
    </message>
    <message>
        <source>Choose a PIN</source>
        <translation>Choose a PIN</translation>
    </message>
    <message>
        <source>Take your card</source>
        <translation>Take your card</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Finished</translation>
    </message>
    <message>
        <source>Get a debit card. It takes about 3 minutes and you need your ID card. To start, press: I agree, let&apos;s start.</source>
        <translation>Get a debit card. It takes about 3 minutes and you need your ID card. To start, press: I agree, let&apos;s start.</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera, photo side towards it, inside the white frame on the screen.</source>
        <translation>Hold your ID card up to the camera, photo side towards it, inside the white frame on the screen.</translation>
    </message>
    <message>
        <source>Do what the screen asks: %1</source>
        <translation>Do what the screen asks: %1</translation>
    </message>
    <message>
        <source>Look at the camera and keep your face inside the white oval.</source>
        <translation>Look at the camera and keep your face inside the white oval.</translation>
    </message>
    <message>
        <source>Movement %1 of %2</source>
        <translation>Movement %1 of %2</translation>
    </message>
    <message>
        <source>Your identity is confirmed. Press Continue to sign the card agreement.</source>
        <translation>Your identity is confirmed. Press Continue to sign the card agreement.</translation>
    </message>
    <message>
        <source>No member of staff could be reached on video just now.</source>
        <translation>No member of staff could be reached on video just now.</translation>
    </message>
    <message>
        <source>You can press Try again, or call a teller.</source>
        <translation>You can press Try again, or call a teller.</translation>
    </message>
    <message>
        <source>Please press Call a teller. A teller will help you get your card.</source>
        <translation>Please press Call a teller. A teller will help you get your card.</translation>
    </message>
    <message>
        <source>You can try once more. Nothing has been opened in your name.</source>
        <translation>You can try once more. Nothing has been opened in your name.</translation>
    </message>
    <message>
        <source>Please press Call a teller below. A teller will help you get your card.</source>
        <translation>Please press Call a teller below. A teller will help you get your card.</translation>
    </message>
    <message>
        <source>A member of staff will check your ID with you on video. Please wait.</source>
        <translation>A member of staff will check your ID with you on video. Please wait.</translation>
    </message>
    <message>
        <source>A member of staff will check your ID with you on video.</source>
        <translation>A member of staff will check your ID with you on video.</translation>
    </message>
    <message>
        <source>Please wait. Stay in front of the screen with your ID card.</source>
        <translation>Please wait. Stay in front of the screen with your ID card.</translation>
    </message>
    <message>
        <source>Nothing has been opened in your name.</source>
        <translation>Nothing has been opened in your name.</translation>
    </message>
    <message>
        <source>Read the card agreement. Then sign your name with your finger in the white box, and press Confirm signature.</source>
        <translation>Read the card agreement. Then sign your name with your finger in the white box, and press Confirm signature.</translation>
    </message>
    <message>
        <source>Read and sign the agreement</source>
        <translation>Read and sign the agreement</translation>
    </message>
    <message>
        <source>Type the same 6-digit PIN again on the keypad, then press the green Enter key.</source>
        <translation>Type the same 6-digit PIN again on the keypad, then press the green Enter key.</translation>
    </message>
    <message>
        <source>Choose a 6-digit PIN on the keypad below the screen, then press the green Enter key. To stop, press Cancel.</source>
        <translation>Choose a 6-digit PIN on the keypad below the screen, then press the green Enter key. To stop, press Cancel.</translation>
    </message>
    <message>
        <source>Please take your card from the card slot at the bottom right of the machine, below the screen.</source>
        <translation>Please take your card from the card slot at the bottom right of the machine, below the screen.</translation>
    </message>
    <message>
        <source>Please wait. Your receipt is printing.</source>
        <translation>Please wait. Your receipt is printing.</translation>
    </message>
    <message>
        <source>Please wait. Your card is being prepared.</source>
        <translation>Please wait. Your card is being prepared.</translation>
    </message>
    <message>
        <source>Your card is in the card slot at the bottom right of the machine, below the screen.</source>
        <translation>Your card is in the card slot at the bottom right of the machine, below the screen.</translation>
    </message>
    <message>
        <source>Please take it within %1. After that, the machine keeps it safe inside.</source>
        <translation>Please take it within %1. After that, the machine keeps it safe inside.</translation>
    </message>
    <message>
        <source>Your card is ready.</source>
        <translation>Your card is ready.</translation>
    </message>
    <message>
        <source>Press Finish when you are done.</source>
        <translation>Press Finish when you are done.</translation>
    </message>
    <message>
        <source>A teller can help you get your card. Press Finish to go back to the menu.</source>
        <translation>A teller can help you get your card. Press Finish to go back to the menu.</translation>
    </message>
    <message>
        <source>A teller can help you get your card: press Call a teller below.</source>
        <translation>A teller can help you get your card: press Call a teller below.</translation>
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
    <name>LanguageScreen</name>
    <message>
        <source>Please choose your language: Chinese or English.</source>
        <translation>Please choose your language: Chinese or English.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Service mode: a customer is using this machine. Try again when it is free.</source>
        <translation>Service mode: a customer is using this machine. Try again when it is free.</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <source>Not offered at this machine. A teller can help you.</source>
        <translation>Not offered at this machine. A teller can help you.</translation>
    </message>
    <message>
        <source>Getting ready, please wait a moment.</source>
        <translation>Getting ready, please wait a moment.</translation>
    </message>
    <message>
        <source>Closed for maintenance right now. Staff at the counter can help you.</source>
        <translation>Closed for maintenance right now. Staff at the counter can help you.</translation>
    </message>
    <message>
        <source>Closed for maintenance right now. A teller can help you.</source>
        <translation>Closed for maintenance right now. A teller can help you.</translation>
    </message>
    <message>
        <source>The camera is not working, so a video call is not possible. Staff at the counter can help you.</source>
        <translation>The camera is not working, so a video call is not possible. Staff at the counter can help you.</translation>
    </message>
    <message>
        <source>Video tellers cannot be reached right now. Staff at the counter can help you.</source>
        <translation>Video tellers cannot be reached right now. Staff at the counter can help you.</translation>
    </message>
    <message>
        <source>Not available right now. Staff at the counter can help you.</source>
        <translation>Not available right now. Staff at the counter can help you.</translation>
    </message>
    <message>
        <source>No cards left in this machine. A teller can help you.</source>
        <translation>No cards left in this machine. A teller can help you.</translation>
    </message>
    <message>
        <source>This machine cannot give out cards until staff have looked at it. A teller can help you.</source>
        <translation>This machine cannot give out cards until staff have looked at it. A teller can help you.</translation>
    </message>
    <message>
        <source>The card machine is not working right now. A teller can help you.</source>
        <translation>The card machine is not working right now. A teller can help you.</translation>
    </message>
    <message>
        <source>The camera is not working right now. A teller can help you.</source>
        <translation>The camera is not working right now. A teller can help you.</translation>
    </message>
    <message>
        <source>The PIN keypad is not working right now. A teller can help you.</source>
        <translation>The PIN keypad is not working right now. A teller can help you.</translation>
    </message>
    <message>
        <source>The printer is not working right now. A teller can help you.</source>
        <translation>The printer is not working right now. A teller can help you.</translation>
    </message>
    <message>
        <source>We cannot reach the bank right now. Please try again in a few minutes, or ask at the counter.</source>
        <translation>We cannot reach the bank right now. Please try again in a few minutes, or ask at the counter.</translation>
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
    <message>
        <source>Printer out: your ticket or receipt is shown on the screen.</source>
        <translation>Printer out: your ticket or receipt is shown on the screen.</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>Back to the services</translation>
    </message>
    <message>
        <source>Choose a service: a debit card, appointment check-in, a queue number, or call a teller.</source>
        <translation>Choose a service: a debit card, appointment check-in, a queue number, or call a teller.</translation>
    </message>
    <message>
        <source>More services below ↓</source>
        <translation>More services below ↓</translation>
    </message>
</context>
<context>
    <name>MoreBelow</name>
    <message>
        <source>More below ↓</source>
        <translation>More below ↓</translation>
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
        <source>PIN keypad</source>
        <translation>PIN keypad</translation>
    </message>
    <message>
        <source>bank connection</source>
        <translation>bank connection</translation>
    </message>
    <message>
        <source>video teller</source>
        <translation>video teller</translation>
    </message>
    <message>
        <source>system</source>
        <translation>system</translation>
    </message>
    <message>
        <source>Sorry, this machine is closed for maintenance</source>
        <translation>Sorry, this machine is closed for maintenance</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now</source>
        <translation>Sorry, this machine cannot serve you right now</translation>
    </message>
    <message>
        <source>Our staff are looking after it. It will be back as soon as they are done.</source>
        <translation>Our staff are looking after it. It will be back as soon as they are done.</translation>
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
    <message>
        <source>Closed by staff</source>
        <translation>Closed by staff</translation>
    </message>
    <message>
        <source>Sorry, this machine is closed for maintenance.</source>
        <translation>Sorry, this machine is closed for maintenance.</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now.</source>
        <translation>Sorry, this machine cannot serve you right now.</translation>
    </message>
    <message>
        <source>You can call a teller, or ask our staff at the counter.</source>
        <translation>You can call a teller, or ask our staff at the counter.</translation>
    </message>
</context>
<context>
    <name>ServiceConfig</name>
    <message>
        <source>Configuration as loaded. Tokens, passwords, keys and PIN hashes are masked.</source>
        <translation>Configuration as loaded. Tokens, passwords, keys and PIN hashes are masked.</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Reading…</translation>
    </message>
</context>
<context>
    <name>ServiceKeypad</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>ServiceLogs</name>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Checking the chain…</source>
        <translation>Checking the chain…</translation>
    </message>
    <message>
        <source>Not checked yet.</source>
        <translation>Not checked yet.</translation>
    </message>
    <message>
        <source>Chain intact: %1 records verified.</source>
        <translation>Chain intact: %1 records verified.</translation>
    </message>
    <message>
        <source>Chain broken at record %1: %2 (%3 records read).</source>
        <translation>Chain broken at record %1: %2 (%3 records read).</translation>
    </message>
    <message>
        <source>Verify journal</source>
        <translation>Verify journal</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Exported to %1: %2</source>
        <translation>Exported to %1: %2</translation>
    </message>
    <message>
        <source>Export writes the journal, its check, the status, counters, logs and the masked configuration to a new folder under the data folder&apos;s exports/.</source>
        <translation>Export writes the journal, its check, the status, counters, logs and the masked configuration to a new folder under the data folder&apos;s exports/.</translation>
    </message>
    <message>
        <source>Recent log lines</source>
        <translation>Recent log lines</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>No log lines.</source>
        <translation>No log lines.</translation>
    </message>
</context>
<context>
    <name>ServiceOutIn</name>
    <message>
        <source>Back in service</source>
        <translation>Back in service</translation>
    </message>
    <message>
        <source>Take out</source>
        <translation>Take out</translation>
    </message>
    <message>
        <source>Reason for taking out</source>
        <translation>Reason for taking out</translation>
    </message>
    <message>
        <source>Reading the kiosk&apos;s status…</source>
        <translation>Reading the kiosk&apos;s status…</translation>
    </message>
    <message>
        <source>Out since %1 (%2, %3). Customers see: closed for maintenance.</source>
        <translation>Out since %1 (%2, %3). Customers see: closed for maintenance.</translation>
    </message>
    <message>
        <source>Every function at once.</source>
        <translation>Every function at once.</translation>
    </message>
    <message>
        <source>Out since %1 (%2, %3).</source>
        <translation>Out since %1 (%2, %3).</translation>
    </message>
    <message>
        <source>Offered to customers now.</source>
        <translation>Offered to customers now.</translation>
    </message>
    <message>
        <source>Not offered now: %1</source>
        <translation>Not offered now: %1</translation>
    </message>
</context>
<context>
    <name>ServiceOverview</name>
    <message>
        <source>Reading the kiosk&apos;s status…</source>
        <translation>Reading the kiosk&apos;s status…</translation>
    </message>
    <message>
        <source>In service</source>
        <translation>In service</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <source>Whole kiosk taken out by %1 at %2 (%3)</source>
        <translation>Whole kiosk taken out by %1 at %2 (%3)</translation>
    </message>
    <message>
        <source>Why: %1</source>
        <translation>Why: %1</translation>
    </message>
    <message>
        <source>%1 · %2 · as of %3</source>
        <translation>%1 · %2 · as of %3</translation>
    </message>
    <message>
        <source>Functions</source>
        <translation>Functions</translation>
    </message>
    <message>
        <source>Taken out by %1 at %2</source>
        <translation>Taken out by %1 at %2</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>(required)</source>
        <translation>(required)</translation>
    </message>
    <message>
        <source>URL: %1</source>
        <translation>URL: %1</translation>
    </message>
    <message>
        <source>Firmware: %1</source>
        <translation>Firmware: %1</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>not reported</translation>
    </message>
    <message>
        <source>Supplies: %1</source>
        <translation>Supplies: %1</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>Now: %1</translation>
    </message>
    <message>
        <source>Last error: %1 %2 at %3</source>
        <translation>Last error: %1 %2 at %3</translation>
    </message>
    <message>
        <source>Last error: none since start</source>
        <translation>Last error: none since start</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
</context>
<context>
    <name>ServicePages</name>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Self-tests</source>
        <translation>Self-tests</translation>
    </message>
    <message>
        <source>Supplies</source>
        <translation>Supplies</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>Config</translation>
    </message>
    <message>
        <source>In / out</source>
        <translation>In / out</translation>
    </message>
    <message>
        <source>Service mode</source>
        <translation>Service mode</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>Idle sign-out after a few minutes without a touch.</source>
        <translation>Idle sign-out after a few minutes without a touch.</translation>
    </message>
</context>
<context>
    <name>ServicePin</name>
    <message>
        <source>Service mode</source>
        <translation>Service mode</translation>
    </message>
    <message>
        <source>Technician PIN</source>
        <translation>Technician PIN</translation>
    </message>
    <message>
        <source>Enter your personal PIN. Every sign-in and every action is recorded in the journal.</source>
        <translation>Enter your personal PIN. Every sign-in and every action is recorded in the journal.</translation>
    </message>
    <message>
        <source>Locked after too many wrong PINs. Try again in %1 min %2 s.</source>
        <translation>Locked after too many wrong PINs. Try again in %1 min %2 s.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Wrong PIN. %1 more wrong PIN(s) lock service mode.</source>
        <translation>Wrong PIN. %1 more wrong PIN(s) lock service mode.</translation>
    </message>
    <message>
        <source>No technician is set up on this kiosk ([technician] technicians in kiosk.toml).</source>
        <translation>No technician is set up on this kiosk ([technician] technicians in kiosk.toml).</translation>
    </message>
    <message>
        <source>The kiosk has not finished starting. Try again in a moment.</source>
        <translation>The kiosk has not finished starting. Try again in a moment.</translation>
    </message>
    <message>
        <source>The PIN could not be checked. See the log.</source>
        <translation>The PIN could not be checked. See the log.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ServiceSelfTests</name>
    <message>
        <source>Takes one card from the stacker straight to the retain bin.</source>
        <translation>Takes one card from the stacker straight to the retain bin.</translation>
    </message>
    <message>
        <source>Prints the test page.</source>
        <translation>Prints the test page.</translation>
    </message>
    <message>
        <source>Takes a snapshot and measures its focus.</source>
        <translation>Takes a snapshot and measures its focus.</translation>
    </message>
    <message>
        <source>Checks the link, the tamper switch and the keys.</source>
        <translation>Checks the link, the tamper switch and the keys.</translation>
    </message>
    <message>
        <source>card fed</source>
        <translation>card fed</translation>
    </message>
    <message>
        <source>card to the bin</source>
        <translation>card to the bin</translation>
    </message>
    <message>
        <source>bin count</source>
        <translation>bin count</translation>
    </message>
    <message>
        <source>cards in the bin</source>
        <translation>cards in the bin</translation>
    </message>
    <message>
        <source>state after the test</source>
        <translation>state after the test</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>printed</translation>
    </message>
    <message>
        <source>cut</source>
        <translation>cut</translation>
    </message>
    <message>
        <source>picture</source>
        <translation>picture</translation>
    </message>
    <message>
        <source>focus</source>
        <translation>focus</translation>
    </message>
    <message>
        <source>light</source>
        <translation>light</translation>
    </message>
    <message>
        <source>brightness</source>
        <translation>brightness</translation>
    </message>
    <message>
        <source>device</source>
        <translation>device</translation>
    </message>
    <message>
        <source>link</source>
        <translation>link</translation>
    </message>
    <message>
        <source>tamper</source>
        <translation>tamper</translation>
    </message>
    <message>
        <source>keys</source>
        <translation>keys</translation>
    </message>
    <message>
        <source>Reading the kiosk&apos;s devices…</source>
        <translation>Reading the kiosk&apos;s devices…</translation>
    </message>
    <message>
        <source>Testing</source>
        <translation>Testing</translation>
    </message>
    <message>
        <source>Run test</source>
        <translation>Run test</translation>
    </message>
    <message>
        <source>Could not run: %1</source>
        <translation>Could not run: %1</translation>
    </message>
    <message>
        <source>Passed at %1</source>
        <translation>Passed at %1</translation>
    </message>
    <message>
        <source>Failed at %1</source>
        <translation>Failed at %1</translation>
    </message>
</context>
<context>
    <name>ServiceSupplies</name>
    <message>
        <source>in the stacker (our count)</source>
        <translation>in the stacker (our count)</translation>
    </message>
    <message>
        <source>loaded at the last replenishment</source>
        <translation>loaded at the last replenishment</translation>
    </message>
    <message>
        <source>fed since then</source>
        <translation>fed since then</translation>
    </message>
    <message>
        <source>in the retain bin</source>
        <translation>in the retain bin</translation>
    </message>
    <message>
        <source>fed in all</source>
        <translation>fed in all</translation>
    </message>
    <message>
        <source>presented at the gate</source>
        <translation>presented at the gate</translation>
    </message>
    <message>
        <source>taken by customers</source>
        <translation>taken by customers</translation>
    </message>
    <message>
        <source>pulled back</source>
        <translation>pulled back</translation>
    </message>
    <message>
        <source>captured</source>
        <translation>captured</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>updated</translation>
    </message>
    <message>
        <source>roll replaced at</source>
        <translation>roll replaced at</translation>
    </message>
    <message>
        <source>receipts on this roll</source>
        <translation>receipts on this roll</translation>
    </message>
    <message>
        <source>receipts printed in all</source>
        <translation>receipts printed in all</translation>
    </message>
    <message>
        <source>prints by kind</source>
        <translation>prints by kind</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cards</translation>
    </message>
    <message>
        <source>In the stacker by our count: %1</source>
        <translation>In the stacker by our count: %1</translation>
    </message>
    <message>
        <source>Cards now in the stacker:</source>
        <translation>Cards now in the stacker:</translation>
    </message>
    <message>
        <source>Cards loaded</source>
        <translation>Cards loaded</translation>
    </message>
    <message>
        <source>Retain bin</source>
        <translation>Retain bin</translation>
    </message>
    <message>
        <source>In the bin by our count: %1</source>
        <translation>In the bin by our count: %1</translation>
    </message>
    <message>
        <source>Cards taken out:</source>
        <translation>Cards taken out:</translation>
    </message>
    <message>
        <source>Bin emptied</source>
        <translation>Bin emptied</translation>
    </message>
    <message>
        <source>Bin</source>
        <translation>Bin</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>Paper replaced</source>
        <translation>Paper replaced</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>Counters</translation>
    </message>
    <message>
        <source>Reading the counters…</source>
        <translation>Reading the counters…</translation>
    </message>
    <message>
        <source>Bin count mismatch at open (the device&apos;s count was taken): %1</source>
        <translation>Bin count mismatch at open (the device&apos;s count was taken): %1</translation>
    </message>
    <message>
        <source>Transactions</source>
        <translation>Transactions</translation>
    </message>
    <message>
        <source>Faults</source>
        <translation>Faults</translation>
    </message>
</context>
<context>
    <name>ServiceTopBar</name>
    <message>
        <source>%1 · signed in: %2 (%3)</source>
        <translation>%1 · signed in: %2 (%3)</translation>
    </message>
</context>
<context>
    <name>ServiceWords</name>
    <message>
        <source>Card dispenser</source>
        <translation>Card dispenser</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>Receipt printer</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>PIN pad</source>
        <translation>PIN pad</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>power off</source>
        <translation>power off</translation>
    </message>
    <message>
        <source>no device</source>
        <translation>no device</translation>
    </message>
    <message>
        <source>hardware error</source>
        <translation>hardware error</translation>
    </message>
    <message>
        <source>user error</source>
        <translation>user error</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>busy</translation>
    </message>
    <message>
        <source>fraud attempt</source>
        <translation>fraud attempt</translation>
    </message>
    <message>
        <source>potential fraud</source>
        <translation>potential fraud</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>starting</translation>
    </message>
    <message>
        <source>stacker</source>
        <translation>stacker</translation>
    </message>
    <message>
        <source>retain bin</source>
        <translation>retain bin</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>paper</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>full</source>
        <translation>full</translation>
    </message>
    <message>
        <source>high</source>
        <translation>high</translation>
    </message>
    <message>
        <source>low</source>
        <translation>low</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>empty</translation>
    </message>
    <message>
        <source>out</source>
        <translation>out</translation>
    </message>
    <message>
        <source>jammed</source>
        <translation>jammed</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>Whole kiosk</source>
        <translation>Whole kiosk</translation>
    </message>
    <message>
        <source>taken out of service</source>
        <translation>taken out of service</translation>
    </message>
    <message>
        <source>no cards in the stacker</source>
        <translation>no cards in the stacker</translation>
    </message>
    <message>
        <source>retain bin full</source>
        <translation>retain bin full</translation>
    </message>
    <message>
        <source>card dispenser down</source>
        <translation>card dispenser down</translation>
    </message>
    <message>
        <source>camera down</source>
        <translation>camera down</translation>
    </message>
    <message>
        <source>PIN pad down</source>
        <translation>PIN pad down</translation>
    </message>
    <message>
        <source>printer down</source>
        <translation>printer down</translation>
    </message>
    <message>
        <source>a device is down</source>
        <translation>a device is down</translation>
    </message>
    <message>
        <source>bank not reachable</source>
        <translation>bank not reachable</translation>
    </message>
    <message>
        <source>video tellers not reachable</source>
        <translation>video tellers not reachable</translation>
    </message>
    <message>
        <source>a service is down</source>
        <translation>a service is down</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>Bank</translation>
    </message>
    <message>
        <source>Video teller hub</source>
        <translation>Video teller hub</translation>
    </message>
    <message>
        <source>Appointment sync</source>
        <translation>Appointment sync</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>Supplies</source>
        <translation>Supplies</translation>
    </message>
    <message>
        <source>Device fault</source>
        <translation>Device fault</translation>
    </message>
    <message>
        <source>Cleaning</source>
        <translation>Cleaning</translation>
    </message>
    <message>
        <source>Cards loaded: %1 in the stacker. Recorded in the journal.</source>
        <translation>Cards loaded: %1 in the stacker. Recorded in the journal.</translation>
    </message>
    <message>
        <source>Bin emptied: %1 cards removed. Recorded in the journal.</source>
        <translation>Bin emptied: %1 cards removed. Recorded in the journal.</translation>
    </message>
    <message>
        <source>Paper replaced. Recorded in the journal.</source>
        <translation>Paper replaced. Recorded in the journal.</translation>
    </message>
    <message>
        <source>%1: out of service.</source>
        <translation>%1: out of service.</translation>
    </message>
    <message>
        <source>%1: back in service.</source>
        <translation>%1: back in service.</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>Enter the number of cards first.</source>
        <translation>Enter the number of cards first.</translation>
    </message>
    <message>
        <source>The kiosk has not finished starting. Try again in a moment.</source>
        <translation>The kiosk has not finished starting. Try again in a moment.</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>Not done: %1</translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <source>Get a debit card</source>
        <extracomment>Modules that may provide flows; each has ``register(registry: ScreenRegistry) -&gt; None``. A module that does not exist yet is simply skipped (its menu entry stays disabled). Counts as customer activity: call it while the customer is busy without touching the screen (a card being dispensed, a face being captured) so the session stays. Builds the page&apos;s view-model (a QObject) for one customer session. Device kinds the flow cannot run without (shorthand for ``needs``). What the flow needs to be offered (devices with supplies, services, optional devices); when None, every kind in ``devices`` must be usable. What the entry needs when the shell runs it itself (``flow`` None), or until its flow registers its own ``FlowScreen.needs``. Shown (disabled) while its flow is not installed; False: not listed at all. Calling a teller: the camera (the teller sees the customer and the ID) and the video teller service (runtime.services[&quot;teller_call&quot;]: the hub over the network). Without them the header&apos;s teller button still says honestly where a person can be found. A walk-in queue ticket (no flow yet): the number on screen with a QR code when the printer is out, like the check-in ticket. Its FlowScreen should repeat this when it lands.</extracomment>
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
    <message>
        <source>Take a queue number</source>
        <translation>Take a queue number</translation>
    </message>
    <message>
        <source>No appointment? Get a number for the counter.</source>
        <translation>No appointment? Get a number for the counter.</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Call a teller</source>
        <translation>Call a teller</translation>
    </message>
    <message>
        <source>Larger text</source>
        <extracomment>Labels: in the customer&apos;s language by default; the attract screen passes both.</extracomment>
        <translation>Larger text</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>High contrast</translation>
    </message>
    <message>
        <source>On</source>
        <translation>On</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Off</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Sign here with your finger</source>
        <translation>Sign here with your finger</translation>
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
    <message>
        <source>Do you need more time? Choose yes to go on, or no if you are finished.</source>
        <translation>Do you need more time? Choose yes to go on, or no if you are finished.</translation>
    </message>
</context>
<context>
    <name>WalkinTicket</name>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>%n person ahead of you</numerusform>
            <numerusform>%n people ahead of you</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n minutes</source>
        <translation>
            <numerusform>about %n minute</numerusform>
            <numerusform>about %n minutes</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>.</source>
        <translation>.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Getting your number…</source>
        <translation>Getting your number…</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen.</source>
        <translation>Please take your ticket from the slot below the screen.</translation>
    </message>
    <message>
        <source>Please try again. If it still does not work, a teller can help you.</source>
        <translation>Please try again. If it still does not work, a teller can help you.</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>Please wait a moment.</translation>
    </message>
    <message>
        <source>Please wait until your number is called.</source>
        <translation>Please wait until your number is called.</translation>
    </message>
    <message>
        <source>Please wait. We are getting your number.</source>
        <translation>Please wait. We are getting your number.</translation>
    </message>
    <message>
        <source>Sorry, we could not give you a number</source>
        <translation>Sorry, we could not give you a number</translation>
    </message>
    <message>
        <source>Sorry, we could not give you a number. You can try again, or call a teller.</source>
        <translation>Sorry, we could not give you a number. You can try again, or call a teller.</translation>
    </message>
    <message>
        <source>Take a queue number</source>
        <translation>Take a queue number</translation>
    </message>
    <message>
        <source>Take a queue number. Choose the service you need: opening an account, a loan, wealth management, cards and payments, or foreign exchange. Or call a teller.</source>
        <translation>Take a queue number. Choose the service you need: opening an account, a loan, wealth management, cards and payments, or foreign exchange. Or call a teller.</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or take a photo of this code with your phone.</source>
        <translation>The printer is not working right now, so there is no paper ticket. Please remember your number, or take a photo of this code with your phone.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>What do you need help with? Choose one.</source>
        <translation>What do you need help with? Choose one.</translation>
    </message>
    <message>
        <source>You&apos;re next.</source>
        <translation>You&apos;re next.</translation>
    </message>
    <message>
        <source>Your number is %1. %2 Please take your ticket from the slot below the screen, then wait until your number is called.</source>
        <translation>Your number is %1. %2 Please take your ticket from the slot below the screen, then wait until your number is called.</translation>
    </message>
    <message>
        <source>Your number is %1. %2 The printer is not working, so please remember your number or photograph the code on the screen.</source>
        <translation>Your number is %1. %2 The printer is not working, so please remember your number or photograph the code on the screen.</translation>
    </message>
    <message>
        <source>Your number</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>Your ticket is in the slot below the screen. Please tear it off gently.</source>
        <translation>Your ticket is in the slot below the screen. Please tear it off gently.</translation>
    </message>
</context>
</TS>
